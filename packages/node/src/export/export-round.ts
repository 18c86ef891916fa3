import { join } from 'node:path'
import { CarWriter } from '@ipld/car/writer'
import * as dagCbor from '@ipld/dag-cbor'
import { decodeRoundSummary } from '@spark-swarm/protocol'
import { FsBlockstore } from 'blockstore-fs'
import { CID } from 'multiformats/cid'
import { type DataDirNetwork, type NodeStore, openNodeStore, readDataDirNetwork } from '../store/index.js'
import { type Block, paramsCid, roundBlocks } from './round-blocks.js'

export class ExportError extends Error {
  override readonly name = 'ExportError'
}

/**
 * A round as a CAR file, rooted at its summary: the summary, its params and catalogue, every
 * committee block, measurement list and signed measurement: everything `verifyRoundBlocks` needs
 * to re-check the round offline. `round` defaults to the newest anchored one.
 */
export async function exportRoundCar(
  dataDir: string,
  round?: number,
): Promise<{ root: CID; round: number; car: AsyncIterable<Uint8Array> }> {
  // the store first: a path that is no data dir fails here, before the blockstore creates anything
  const store = openNodeStore({ path: join(dataDir, 'node.sqlite') })
  const blockstore = new FsBlockstore(join(dataDir, 'blocks'))
  const get = async (cid: CID): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = []
    for await (const chunk of blockstore.get(cid)) chunks.push(chunk)
    return Buffer.concat(chunks)
  }
  let picked: { round: number; summaryCid: string }
  try {
    await blockstore.open()
    picked = await pickRound(store, dataDir, round, get)
  } catch (err) {
    await blockstore.close()
    throw err
  } finally {
    store.close()
  }
  const summaryText = picked.summaryCid
  const which = picked.round
  const root = CID.parse(summaryText)
  let blocks: Block[]
  try {
    blocks = await roundBlocks(root, get)
  } finally {
    await blockstore.close()
  }
  const { writer, out } = CarWriter.create([root])
  void (async () => {
    for (const block of blocks) await writer.put(block)
    await writer.close()
  })()
  return { root, round: which, car: out }
}

/**
 * The anchored round to export: the one asked for, or the newest of the data dir's own network.
 * A data dir used before it recorded its network may hold rounds of others: their summaries name
 * another network, or params of another genesis, and are passed over.
 */
async function pickRound(
  store: NodeStore,
  dataDir: string,
  round: number | undefined,
  get: (cid: CID) => Promise<Uint8Array>,
): Promise<{ round: number; summaryCid: string }> {
  if (round !== undefined) {
    const summaryCid = store.roundState(round)?.summaryCid
    if (!summaryCid) throw new ExportError(`round ${round} is not anchored in ${dataDir}: pick one the node has finished`)
    return { round, summaryCid }
  }
  const own = await readDataDirNetwork(dataDir)
  let before = Number.MAX_SAFE_INTEGER
  for (let last = store.lastAnchoredSummary(before); last; last = store.lastAnchoredSummary(before)) {
    if (!own || (await ofNetwork(last.summaryCid, own, get))) return last
    before = last.round
  }
  const which = own ? ` of network "${own.network}"` : ''
  throw new ExportError(`no anchored round${which} in ${dataDir} yet: let the node finish a round first`)
}

async function ofNetwork(summaryCid: string, own: DataDirNetwork, get: (cid: CID) => Promise<Uint8Array>): Promise<boolean> {
  try {
    const summary = decodeRoundSummary(await get(CID.parse(summaryCid)))
    if (summary.network !== own.network) return false
    if (summary.paramsDigest === own.paramsDigest) return true
    const params = dagCbor.decode(await get(paramsCid(summary.paramsDigest))) as {
      genesisTime?: unknown
    }
    return params.genesisTime === own.genesisTime
  } catch {
    // a round whose blocks are missing or damaged cannot be exported anyway
    return false
  }
}
