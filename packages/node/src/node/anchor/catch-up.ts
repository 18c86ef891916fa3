import {
  cidOfDagCbor,
  cidText,
  decodeCommitteeBlock,
  decodeMeasurementList,
  decodeSignedMeasurement,
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
  store: Pick<NodeStore, 'hasMeasurement' | 'putMeasurement'>
  blocks: BlockSource
  log: Logger
  signal: AbortSignal
}

/**
 * Pulls the members of another member's committee block that this node lacks: the block, its
 * measurement list, then each missing measurement, checked like gossip before it is stored.
 * Resolves true if any was new (the round is then worth evaluating again).
 */
export async function pullMembers(components: CatchUpComponents, round: number, committeeCid: string): Promise<boolean> {
  const { params, store } = components
  const committee = decodeCommitteeBlock(await fetchBlock(components, CID.parse(committeeCid)))
  if (committee.round !== round || committee.network !== params.network) return false
  const members = decodeMeasurementList(await fetchBlock(components, committee.measurements))
  let added = 0
  for (const cid of members) {
    const text = cidText(cid)
    if (store.hasMeasurement(text)) continue
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
    if (store.putMeasurement({ cid: text, round, taskId: taskId(m.task), stationId: m.stationId, shard, bytes, origin: 'peer' })) added++
  }
  return added > 0
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
