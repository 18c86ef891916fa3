import { createHash } from 'node:crypto'

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** SHA-256 of bytes or of the UTF-8 encoding of a string. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

/** SHA-256 of the concatenation of parts, without copying them into one buffer first. */
export function sha256Concat(...parts: Array<Uint8Array | string>): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return new Uint8Array(hash.digest())
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/

/** Decodes hex; throws a RangeError naming `what` when the string is not even-length hex. */
export function fromHex(hex: string, what = 'value'): Uint8Array {
  if (typeof hex !== 'string' || !HEX.test(hex)) {
    throw new RangeError(`${what} must be a hex string with an even number of digits`)
  }
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/** Big-endian unsigned 64-bit encoding, as drand and our domain separators use. */
export function uint64be(value: number | bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false)
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic byte order; the order DAG-CBOR and our summaries sort by. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** Plain code-unit string order, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
