import { CarWriter } from '@ipld/car/writer'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'

export interface TestBlock {
  cid: CID
  bytes: Uint8Array
}

/** A raw block with a sha2-256 CID. */
export async function rawBlock(text: string | Uint8Array): Promise<TestBlock> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/** A raw-codec CID whose multihash is `code` over `digest` (no bytes need match it). */
export function cidWithHash(code: number, digest: Uint8Array): CID {
  return CID.createV1(raw.code, Digest.create(code, digest))
}

/** CAR v1 bytes with these roots and blocks, written by @ipld/car's CarWriter. */
export async function makeCar(roots: CID[], blocks: TestBlock[]): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create(roots)
  const collected = (async () => {
    const parts: Uint8Array[] = []
    for await (const part of out) parts.push(part)
    return Buffer.concat(parts)
  })()
  for (const block of blocks) await writer.put(block)
  await writer.close()
  return new Uint8Array(await collected)
}
