import { createHash } from 'node:crypto'

/**
 * `carChecksum` of a measurement: the sha2-256 multihash (`1220` + hex digest) of the whole
 * response body, CAR header included, as Spark reports it. Incremental: update it per chunk.
 */
export function createCarChecksum(): { update(chunk: Uint8Array): void; digest(): string } {
  const hash = createHash('sha256')
  return {
    update: (chunk) => {
      hash.update(chunk)
    },
    digest: () => `1220${hash.digest('hex')}`,
  }
}

/** `carChecksum` of bytes already in memory. */
export function carChecksum(bytes: Uint8Array): string {
  const checksum = createCarChecksum()
  checksum.update(bytes)
  return checksum.digest()
}
