import { dirname, join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { type BuiltSummary, type Catalogue, cidOfDagCbor, encodeCatalogue, type ProtocolParams } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { type StoredMeasurement, writeError } from '../../store/index.js'

/** Blocks of a summary written at once (a bound: each holds a file open). */
export const PUTS_IN_FLIGHT = 16

/** Where the anchored blocks go: helia's blockstore (a stub in tests). */
export interface BlockSink {
  put(cid: CID, bytes: Uint8Array, options?: { signal?: AbortSignal }): unknown
}

/**
 * Puts every block of a round's summary into the blockstore: the params and the catalogue (so an
 * export verifies offline), the summary, committee and list blocks, and the measurements themselves
 * (their stored bytes, as signed). A failed write names the blockstore's directory.
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
  try {
    const paramsBytes = dagCbor.encode(blocks.params)
    const all: Array<[CID, Uint8Array]> = [
      [cidOfDagCbor(paramsBytes), paramsBytes],
      [blocks.catalogueCid, encodeCatalogue(blocks.catalogue)],
      ...blocks.built.blocks.map((b): [CID, Uint8Array] => [b.cid, b.bytes]),
      ...blocks.measurements.map((row): [CID, Uint8Array] => [CID.parse(row.cid), row.bytes]),
    ]
    // PUTS_IN_FLIGHT at a time, not one by one: each put is several file-system round trips (helia
    // asks the store whether it has the block, tells bitswap, then writes), and on a busy machine
    // each trip waits its turn, so a round's 60-odd blocks written in a row took a whole round
    // (bench/README.md, the swarm bench). Content-addressed blocks do not depend on their order.
    for (let i = 0; i < all.length; i += PUTS_IN_FLIGHT) {
      await Promise.all(all.slice(i, i + PUTS_IN_FLIGHT).map(([cid, bytes]) => blockstore.put(cid, bytes, { signal })))
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
