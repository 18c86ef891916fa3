import { type ProtocolParams, taskId } from '@spark-swarm/protocol'
import { measurementTopic, summariesTopic } from '../../gossip/index.js'
import type { NodePubSub } from '../peers/host.js'
import type { RoundInfo } from './rounds.js'

/**
 * Joins the summaries topic and the measurement shards of this node's committees in `rounds`
 * (the current and the previous round), and leaves every other topic.
 */
export function updateSubscriptions(
  pubsub: Pick<NodePubSub, 'getTopics' | 'subscribe' | 'unsubscribe'>,
  params: ProtocolParams,
  rounds: RoundInfo[],
): void {
  const wanted = new Set([summariesTopic(params)])
  for (const info of rounds) for (const t of info.mine) wanted.add(measurementTopic(params, info.shards.get(taskId(t)) as number))
  for (const topic of pubsub.getTopics()) if (!wanted.has(topic)) pubsub.unsubscribe(topic)
  for (const topic of wanted) if (!pubsub.getTopics().includes(topic)) pubsub.subscribe(topic)
}
