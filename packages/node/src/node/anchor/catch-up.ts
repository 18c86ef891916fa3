import {
  type CommitteeMembership,
  cidOfDagCbor,
  cidText,
  committeeBlockMembership,
  decodeCommitteeBlock,
  decodeMeasurementList,
  decodeSignedMeasurement,
  type ListedMeasurement,
  type ProtocolParams,
  taskId,
  verifyMeasurementSignature,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import type { NodeStore } from '../../store/index.js'
import { scopedSignal } from '../../util/scoped-signal.js'
import type { Logger } from '../logger.js'
import type { Rounds } from '../round/rounds.js'

const FETCH_TIMEOUT_MS = 10_000

/** Where blocks of other members come from: helia's blockstore, which asks bitswap for what it lacks. */
export interface BlockSource {
  get(cid: CID, options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array> | Iterable<Uint8Array>
}

export interface CatchUpComponents {
  params: ProtocolParams
  rounds: Pick<Rounds, 'get'>
  store: Pick<NodeStore, 'measurementOwner' | 'putMeasurement'>
  blocks: BlockSource
  log: Logger
  signal: AbortSignal
}

/** What one pulled committee block gave: whether any measurement was new, and whom the block lists. */
export interface Pulled {
  /** Some measurement was new: the round is worth evaluating again. */
  added: boolean
  /** The block's task id and members (spec §12.6), undefined if the block contradicts its own list. */
  taskId: string
  membership: CommitteeMembership | undefined
}

/**
 * Pulls the members of another member's committee block that this node lacks: the block, its
 * measurement list, then each missing measurement, checked like gossip before it is stored.
 * Resolves undefined for a block of another round or network; otherwise with what was new and
 * with the block's members: the stations of the listed measurements it holds or pulled, which
 * is what confirmation counts attesters of this block against.
 */
export async function pullMembers(components: CatchUpComponents, round: number, committeeCid: string): Promise<Pulled | undefined> {
  const { params, store } = components
  const committee = decodeCommitteeBlock(await fetchBlock(components, CID.parse(committeeCid)))
  if (committee.round !== round || committee.network !== params.network) return undefined
  const listed = decodeMeasurementList(await fetchBlock(components, committee.measurements))
  const members: ListedMeasurement[] = []
  let added = 0
  for (const cid of listed) {
    const text = cidText(cid)
    const owner = store.measurementOwner(text)
    if (owner) {
      // stored ones passed the gossip validator or this same check: their station is known
      const { bytes, ...who } = owner
      members.push({ ...who, network: params.network, ...participantOf(params, bytes) })
      continue
    }
    let bytes: Uint8Array
    let m: ReturnType<typeof decodeSignedMeasurement>
    try {
      bytes = await fetchBlock(components, cid)
      m = decodeSignedMeasurement(bytes)
    } catch (err) {
      // one unreachable or broken member must not stop the others
      components.log.debug('catch-up skipped a member', { round, cid: text, error: String(err) })
      continue
    }
    // the same checks as gossip, minus the topic: CID, round, signature; tasking is evaluation's job
    if (cidText(cidOfDagCbor(bytes)) !== text || m.round !== round || m.network !== params.network) continue
    if (!verifyMeasurementSignature(m)) continue
    const info = await components.rounds.get(round, { signal: components.signal })
    const shard = info.shards.get(taskId(m.task))
    if (shard === undefined) continue
    members.push({
      stationId: m.stationId,
      network: m.network,
      round: m.round,
      taskId: taskId(m.task),
      ...(m.participant !== undefined ? { participant: m.participant } : {}),
    })
    if (store.putMeasurement({ cid: text, round, taskId: taskId(m.task), stationId: m.stationId, shard, bytes, origin: 'peer' })) added++
  }
  return { added: added > 0, taskId: taskId(committee.task), membership: committeeBlockMembership(committee, listed.length, members) }
}

/** Version 2: the participant of a stored measurement, which a block may list once (spec §12.6). */
function participantOf(params: ProtocolParams, bytes: Uint8Array): { participant?: string } {
  if (params.protocolVersion < 2) return {}
  const { participant } = decodeSignedMeasurement(bytes)
  return participant !== undefined ? { participant } : {}
}

async function fetchBlock(components: Pick<CatchUpComponents, 'blocks' | 'signal'>, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  // peers decide how many of these run (each foreign committee CID): nothing may stay on the node's signal
  const scope = scopedSignal([components.signal], FETCH_TIMEOUT_MS)
  try {
    for await (const chunk of components.blocks.get(cid, { signal: scope.signal })) chunks.push(chunk)
  } finally {
    scope.clear()
  }
  return Buffer.concat(chunks)
}
