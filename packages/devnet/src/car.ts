import { CarWriter } from '@ipld/car'
import { varint } from 'multiformats'
import type { CID } from 'multiformats/cid'
import type { ContentBlock } from './content.js'

/**
 * CARv1 bytes with `roots` and `blocks`, written by @ipld/car's CarWriter. CarWriter does not
 * check that bytes hash to their CID, which is what lets the fakes write corrupted CARs.
 */
export async function encodeCar(roots: CID[], blocks: readonly ContentBlock[]): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create(roots)
  // The writer waits for its output to be consumed, so drain it concurrently with the puts.
  const collected = collect(out)
  for (const block of blocks) await writer.put(block)
  await writer.close()
  return concat(await collected)
}

/**
 * The first bytes of a CAR whose single block section says it carries `totalBytes - prefix` bytes
 * of block data for `root`: header, section length varint, CID. The caller streams the data after
 * it, so a CAR of any size never exists in memory.
 */
export async function oversizedCarPrefix(root: CID, totalBytes: number): Promise<{ prefix: Uint8Array; dataBytes: number }> {
  const header = await encodeCar([root], [])
  const fixed = header.length + root.bytes.length
  // The section length varint's own size depends on the length it encodes; two passes settle it.
  let varintLength = 1
  for (let pass = 0; pass < 2; pass++) {
    const dataBytes = Math.max(0, totalBytes - fixed - varintLength)
    varintLength = varint.encodingLength(root.bytes.length + dataBytes)
  }
  const dataBytes = Math.max(0, totalBytes - fixed - varintLength)
  const sectionLength = varint.encodeTo(root.bytes.length + dataBytes, new Uint8Array(varintLength))
  return { prefix: concat([header, sectionLength, root.bytes]), dataBytes }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return chunks
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}
