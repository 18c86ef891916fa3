import { join } from 'node:path'
import { CarWriter } from '@ipld/car/writer'
import * as dagCbor from '@ipld/dag-cbor'
import { decodeCommitteeBlock, decodeMeasurementList, decodeRoundSummary, fromHex } from '@spark-swarm/protocol'
import { FsBlockstore } from 'blockstore-fs'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { openNodeStore } from '../store/index.js'

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
  const store = openNodeStore({ path: join(dataDir, 'node.sqlite') })
  let summaryText: string | null | undefined
  let which: number
  try {
    if (round === undefined) {
      const last = store.lastAnchoredSummary()
      if (!last) throw new ExportError(`no anchored round in ${dataDir} yet: let the node finish a round first`)
      summaryText = last.summaryCid
      which = last.round
    } else {
      summaryText = store.roundState(round)?.summaryCid
      which = round
      if (!summaryText) throw new ExportError(`round ${round} is not anchored in ${dataDir}: pick one the node has finished`)
    }
  } finally {
    store.close()
  }
  const blockstore = new FsBlockstore(join(dataDir, 'blocks'))
  await blockstore.open()
  const get = async (cid: CID): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = []
    for await (const chunk of blockstore.get(cid)) chunks.push(chunk)
    return Buffer.concat(chunks)
  }
  const root = CID.parse(summaryText)
  const blocks: Array<{ cid: CID; bytes: Uint8Array }> = []
  const add = async (cid: CID) => {
    const bytes = await get(cid)
    blocks.push({ cid, bytes })
    return bytes
  }
  try {
    const summary = decodeRoundSummary(await add(root))
    await add(CID.createV1(dagCbor.code, Digest.create(0x12, fromHex(summary.paramsDigest))))
    if (summary.catalogue) await add(summary.catalogue)
    for (const link of summary.committees) {
      const committee = decodeCommitteeBlock(await add(link))
      const members = decodeMeasurementList(await add(committee.measurements))
      for (const cid of members) await add(cid)
    }
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
