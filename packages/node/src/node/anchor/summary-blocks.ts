import { dirname, join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { type BuiltSummary, type Catalogue, cidOfDagCbor, encodeCatalogue, type ProtocolParams } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { type StoredMeasurement, writeError } from '../../store/index.js'
import { createSlicer } from '../../util/slices.js'

/** Where the anchored blocks go: helia's blockstore (a stub in tests). */
export interface BlockSink {
  put(cid: CID, bytes: Uint8Array, options?: { signal?: AbortSignal }): unknown
}

/**
 * Blocks a round's anchoring writes at once. Each put is several file operations (helia's `has`,
 * then a directory, a temporary file and a rename), each waiting its turn in libuv's thread pool
 * and the event loop, so side by side they wait together instead of one after another. On an
 * idle machine that is most of a put's time (bench/node-stall.js, a round of 250,500 measurements:
 * read, evaluation and block writes took 10.8 s, against 11.9 s with one put at a time in an
 * earlier run). On a saturated one (30 node processes on 2 cores, bench/swarm-procs.js) a put
 * waited 0.36 s alone and 2–3.6 s among 16, and anchoring was not clearly sooner: there the CPU,
 * not the waiting, decides.
 */
export const PUT_CONCURRENCY = 16

/**
 * Puts every block of a round's summary into the blockstore: the params and the catalogue (so an
 * export verifies offline), the summary, committee and list blocks, and the measurements themselves
 * (their stored bytes, as signed), `PUT_CONCURRENCY` at a time. A failed write names the
 * blockstore's directory. A round's 250,000 puts give the event loop a turn every few
 * milliseconds, however fast the blockstore.
 */
export async function putSummaryBlocks(
  blockstore: BlockSink,
  blocks: {
    params: ProtocolParams
    catalogue: Catalogue
    catalogueCid: CID
    built: BuiltSummary
    measurements: StoredMeasurement[]
  },
  where: { storePath: string; round: number; signal: AbortSignal },
): Promise<void> {
  const { signal } = where
  const slicer = createSlicer(signal)
  const paramsBytes = dagCbor.encode(blocks.params)
  const fixed: Array<[CID, Uint8Array]> = [
    [cidOfDagCbor(paramsBytes), paramsBytes],
    [blocks.catalogueCid, encodeCatalogue(blocks.catalogue)],
    ...blocks.built.blocks.map((b): [CID, Uint8Array] => [b.cid, b.bytes]),
  ]
  const total = fixed.length + blocks.measurements.length
  // the i-th block, the measurements' CIDs parsed only when their turn comes
  const blockAt = (i: number): [CID, Uint8Array] => {
    if (i < fixed.length) return fixed[i] as [CID, Uint8Array]
    const row = blocks.measurements[i - fixed.length] as StoredMeasurement
    return [CID.parse(row.cid), row.bytes]
  }
  try {
    for (let start = 0; start < total; start += PUT_CONCURRENCY) {
      const puts: unknown[] = []
      for (let i = start; i < Math.min(total, start + PUT_CONCURRENCY); i++) {
        const [cid, bytes] = blockAt(i)
        puts.push(blockstore.put(cid, bytes, { signal }))
      }
      await Promise.all(puts)
      await slicer.pause()
    }
  } catch (err) {
    // a full or read-only disk: nothing was attested and the round stays `checking` in the store
    if (signal.aborted) throw err
    throw writeError(err, join(dirname(where.storePath), 'blocks'), `the summary of round ${where.round}`)
  }
}

/**
 * Puts only a summary's root block: what a re-link (spec §9.1) changes, since committee and list
 * blocks do not depend on `previous`. A failed write names the blockstore's directory.
 */
export async function putSummaryRoot(
  blockstore: BlockSink,
  built: Pick<BuiltSummary, 'root'>,
  where: { storePath: string; round: number; signal: AbortSignal },
): Promise<void> {
  try {
    await blockstore.put(built.root.cid, built.root.bytes, { signal: where.signal })
  } catch (err) {
    if (where.signal.aborted) throw err
    throw writeError(err, join(dirname(where.storePath), 'blocks'), `the summary of round ${where.round}`)
  }
}

/**
 * Puts the catalogue's block alone, when the node starts: before any round is anchored, a peer
 * that joins without the tracker's copy can already fetch it from this node (spec §1.3).
 */
export async function putCatalogueBlock(
  blockstore: BlockSink,
  blocks: { catalogue: Catalogue; catalogueCid: CID },
  where: { storePath: string; signal: AbortSignal },
): Promise<void> {
  try {
    await blockstore.put(blocks.catalogueCid, encodeCatalogue(blocks.catalogue), { signal: where.signal })
  } catch (err) {
    if (where.signal.aborted) throw err
    throw writeError(err, join(dirname(where.storePath), 'blocks'), 'the catalogue')
  }
}
