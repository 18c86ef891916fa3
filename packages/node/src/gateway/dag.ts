import * as dagCbor from '@ipld/dag-cbor'
import { decodeRoundSummary } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { type Block, type ReadBlock, roundBlocks } from '../export/index.js'

/**
 * The blocks a CAR rooted at `root` holds, of those read gives: a round summary's round as
 * `spark-swarm export` writes it (roundBlocks: one round, its `previous` not followed); any other
 * DAG-CBOR block with the DAG-CBOR and raw blocks it links to, breadth first. Blocks not held are
 * left out. An empty list: the root is not held.
 */
export async function gatewayDag(root: CID, read: ReadBlock): Promise<Block[]> {
  const rootBytes = await read(root)
  if (!rootBytes) return []
  if (root.code === dagCbor.code && isSummary(rootBytes))
    return roundBlocks(root, async (cid) => (cid.equals(root) ? rootBytes : read(cid)))
  const blocks: Block[] = [{ cid: root, bytes: rootBytes }]
  const seen = new Set([root.toString()])
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as Block
    if (block.cid.code !== dagCbor.code) continue
    for (const link of linksOf(dagCbor.decode(block.bytes))) {
      const key = link.toString()
      if (seen.has(key)) continue
      seen.add(key)
      const bytes = await read(link)
      if (bytes) blocks.push({ cid: link, bytes })
    }
  }
  return blocks
}

function isSummary(bytes: Uint8Array): boolean {
  try {
    decodeRoundSummary(bytes)
    return true
  } catch {
    return false
  }
}

/** The CIDs a decoded DAG-CBOR value holds, in document order. */
function* linksOf(value: unknown): Generator<CID> {
  const link = CID.asCID(value)
  if (link) {
    yield link
    return
  }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return
  for (const item of Array.isArray(value) ? value : Object.values(value)) yield* linksOf(item)
}
