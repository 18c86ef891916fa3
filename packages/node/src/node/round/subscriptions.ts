import { type ProtocolParams, taskId } from '@spark-swarm/protocol'
import { attestationTopic, measurementTopic } from '../../gossip/index.js'
import type { NodePubSub } from '../peers/host.js'
import type { RoundInfo } from './rounds.js'

/**
 * Joins the shard topics of this node's committees and leaves every other topic (spec §12.1):
 * the measurement topics of its tasks of round `current` and `current − 1`, and the attestation
 * topics of its tasks of `current`, `current − 1` and `current − 2`, since attestations of a round
 * are collected for two rounds after it. `rounds` are the ones known among those three.
 */
export function updateSubscriptions(
  pubsub: Pick<NodePubSub, 'getTopics' | 'subscribe' | 'unsubscribe'>,
  params: ProtocolParams,
  current: number,
  rounds: RoundInfo[],
): void {
  const wanted = new Set<string>()
  for (const info of rounds) {
    if (info.round < current - 2 || info.round > current) continue
    for (const t of info.mine) {
      const shard = info.shards.get(taskId(t)) as number
      if (info.round >= current - 1) wanted.add(measurementTopic(params, shard))
      wanted.add(attestationTopic(params, shard))
    }
  }
  for (const topic of pubsub.getTopics()) if (!wanted.has(topic)) pubsub.unsubscribe(topic)
  for (const topic of wanted) if (!pubsub.getTopics().includes(topic)) pubsub.subscribe(topic)
}
