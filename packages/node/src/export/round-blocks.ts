import * as dagCbor from '@ipld/dag-cbor'
import { decodeCommitteeBlock, decodeMeasurementList, decodeRoundSummary, fromHex } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

export interface Block {
  cid: CID
  bytes: Uint8Array
}

/** Reads one block: throws, or gives undefined to have it (and what it links to) left out, when it is missing. */
export type ReadBlock = (cid: CID) => Promise<Uint8Array | undefined>

/** The CID of a params block, which a summary names by its sha2-256 digest (hex). */
export function paramsCid(paramsDigest: string): CID {
  return CID.createV1(dagCbor.code, Digest.create(0x12, fromHex(paramsDigest)))
}

/**
 * Every block of one round, rooted at its summary, in the order a CAR holds them: the summary,
 * its params and catalogue, each committee block with its measurement list and signed
 * measurements, then (version 2) the eligible list. Exactly what `verifyRoundBlocks` needs; the
 * `previous` summary is not followed: one round, not the chain. A block `read` leaves out is
 * skipped with all below it; a missing root gives no blocks.
 */
export async function roundBlocks(root: CID, read: ReadBlock): Promise<Block[]> {
  const blocks: Block[] = []
  const add = async (cid: CID) => {
    const bytes = await read(cid)
    if (bytes) blocks.push({ cid, bytes })
    return bytes
  }
  const rootBytes = await add(root)
  if (!rootBytes) return blocks
  const summary = decodeRoundSummary(rootBytes)
  await add(paramsCid(summary.paramsDigest))
  if (summary.catalogue) await add(summary.catalogue)
  for (const link of summary.committees) {
    const committeeBytes = await add(link)
    if (!committeeBytes) continue
    const listBytes = await add(decodeCommitteeBlock(committeeBytes).measurements)
    if (!listBytes) continue
    for (const cid of decodeMeasurementList(listBytes)) await add(cid)
  }
  // version 2: who was eligible, what `verify` evaluates the members with (spec §13.7)
  if (summary.admission) await add(summary.admission.eligible)
  return blocks
}
