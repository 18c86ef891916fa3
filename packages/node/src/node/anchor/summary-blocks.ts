import { dirname, join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { type BuiltSummary, type Catalogue, cidOfDagCbor, encodeCatalogue, type ProtocolParams } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { type StoredMeasurement, writeError } from '../../store/index.js'

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
    await blockstore.put(cidOfDagCbor(paramsBytes), paramsBytes, { signal })
    await blockstore.put(blocks.catalogueCid, encodeCatalogue(blocks.catalogue), { signal })
    for (const block of blocks.built.blocks) await blockstore.put(block.cid, block.bytes, { signal })
    for (const row of blocks.measurements) await blockstore.put(CID.parse(row.cid), row.bytes, { signal })
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
