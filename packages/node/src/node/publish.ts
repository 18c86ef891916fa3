import { roundAt, roundStartTime } from '@spark-swarm/protocol'
import { isDuplicatePublishError, measurementTopic } from '../gossip/index.js'
import type { NodeContext } from './context.js'

/**
 * Publishes own measurements the store holds as unpublished, oldest first, and marks those that
 * reached at least one peer. A node that restarts, or that had no peers yet, catches up here:
 * nothing it measured is lost.
 */
export async function publishPending(ctx: NodeContext): Promise<number> {
  let published = 0
  const pubsub = ctx.host.libp2p.services.pubsub
  const now = ctx.clock.now()
  const current = roundAt(ctx.params, now)
  for (const m of ctx.store.unpublishedMeasurements(256)) {
    if (ctx.signal.aborted) break
    // Past its gossip window peers would drop it, or (two rounds on) punish it as a replay (spec
    // §12.5). It stays in the store and reaches them in this node's committee blocks (§12.7).
    if (m.round < current - 1 || now > roundStartTime(ctx.params, m.round + 1) + ctx.params.gracePeriodMs) {
      ctx.store.markPublished(m.cid)
      continue
    }
    const topic = measurementTopic(ctx.params, m.shard)
    // Only into a formed mesh: right after connecting, gossipsub may count a peer as a recipient
    // before its stream is open and drop the message (STACK.md). Until then it stays pending.
    // (On a shard we left, e.g. after a restart in the next round, gossipsub sends through its fanout.)
    const ready = pubsub.getTopics().includes(topic) ? pubsub.getMeshPeers(topic).length > 0 : pubsub.getSubscribers(topic).length > 0
    if (!ready) continue
    try {
      const result = await pubsub.publish(topic, m.bytes)
      if (result.recipients.length > 0) {
        ctx.store.markPublished(m.cid)
        published++
      }
    } catch (err) {
      // gossipsub refuses a message it has already seen: then it is out there
      if (isDuplicatePublishError(err)) ctx.store.markPublished(m.cid)
      else ctx.log.debug('publish failed, will retry', { cid: m.cid, error: String(err) })
    }
  }
  return published
}
