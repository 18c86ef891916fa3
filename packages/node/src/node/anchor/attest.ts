import {
  type BuiltSummary,
  encodeAttestation,
  type ProtocolParams,
  type RetrievalTask,
  type StationKey,
  signAttestation,
  taskId,
} from '@spark-swarm/protocol'
import { summariesTopic } from '../../gossip/index.js'
import type { NodeStore } from '../../store/index.js'
import type { Logger } from '../logger.js'
import type { NodePubSub } from '../peers/host.js'

export interface AttestComponents {
  params: ProtocolParams
  store: Pick<NodeStore, 'putAttestation'>
  pubsub: Pick<NodePubSub, 'publish'>
  stationKey: StationKey
  log: Logger
}

/**
 * Signs, stores and publishes (on the summaries topic) an attestation of the committee block of
 * each committee this node is a member of. Returns the attested committee block CIDs by task id.
 */
export async function attestCommittees(
  components: AttestComponents,
  round: number,
  mine: RetrievalTask[],
  built: BuiltSummary,
): Promise<Map<string, string>> {
  const { params, store, stationKey } = components
  const attested = new Map<string, string>()
  const topic = summariesTopic(params)
  for (const task of mine) {
    const id = taskId(task)
    const block = built.committees.get(id)
    if (!block) continue
    const attestation = signAttestation(
      {
        protocolVersion: params.protocolVersion,
        network: params.network,
        round,
        task: { cid: task.cid, minerId: task.minerId },
        stationId: stationKey.stationId,
        committee: block.cid,
      },
      stationKey,
    )
    const bytes = encodeAttestation(attestation)
    store.putAttestation({ round, taskId: id, stationId: stationKey.stationId, committeeCid: block.cid.toString(), bytes })
    attested.set(id, block.cid.toString())
    try {
      await components.pubsub.publish(topic, bytes)
    } catch (err) {
      components.log.debug('attestation not published', { round, task: id, error: String(err) })
    }
  }
  return attested
}
