import {
  type AdmissionSnapshot,
  type BuiltSummary,
  encodeAttestation,
  type ProtocolParams,
  type StationKey,
  signAttestation,
  taskId,
} from '@spark-swarm/protocol'
import type { SavedBinding } from '../../admission/binding-file.js'
import { attestationTopic } from '../../gossip/index.js'
import type { NodeStore } from '../../store/index.js'
import type { Logger } from '../logger.js'
import type { NodePubSub } from '../peers/host.js'
import type { RoundInfo } from '../round/rounds.js'

export interface AttestComponents {
  params: ProtocolParams
  store: Pick<NodeStore, 'putAttestation'>
  pubsub: Pick<NodePubSub, 'publish'>
  stationKey: StationKey
  log: Logger
  /** Version 2: the station's binding to its participant, which its attestations carry (spec §13.3a). */
  binding?: SavedBinding
}

/**
 * Signs, stores and publishes an attestation of the committee block of each committee this node
 * is a member of, each on its committee's attestation topic (spec §12.1). Returns the attested
 * committee block CIDs by task id. In version 2 `admission` is the snapshot the round was
 * evaluated with.
 */
export async function attestCommittees(
  components: AttestComponents,
  info: Pick<RoundInfo, 'round' | 'mine' | 'shards'>,
  built: BuiltSummary,
  admission?: AdmissionSnapshot,
): Promise<Map<string, string>> {
  const { params, store, stationKey, binding } = components
  const { round, mine } = info
  const attested = new Map<string, string>()
  // version 2: peers judge an attestation by its participant (spec §12.5): one not eligible in the
  // round (so a member of no committee, spec §12.6), or a binding not yet in force, would only be
  // Rejected, and the relaying peer is this node
  if (binding && (binding.binding.fromRound > round || !admission?.eligible.has(binding.binding.participant))) return attested
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
        ...(binding
          ? {
              participant: binding.binding.participant,
              bindingFromRound: binding.binding.fromRound,
              bindingSignature: binding.signature,
            }
          : {}),
      },
      stationKey,
    )
    const bytes = encodeAttestation(attestation)
    store.putAttestation({ round, taskId: id, stationId: stationKey.stationId, committeeCid: block.cid.toString(), bytes })
    attested.set(id, block.cid.toString())
    try {
      await components.pubsub.publish(attestationTopic(params, info.shards.get(id) as number), bytes)
    } catch (err) {
      components.log.debug('attestation not published', { round, task: id, error: String(err) })
    }
  }
  return attested
}
