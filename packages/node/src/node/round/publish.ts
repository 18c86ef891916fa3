import { type ProtocolParams, roundAt, roundStartTime } from '@spark-swarm/protocol'
import { isDuplicatePublishError, measurementTopic } from '../../gossip/index.js'
import type { NodeStore } from '../../store/index.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { NodePubSub } from '../peers/host.js'

export interface PublisherComponents {
  params: ProtocolParams
  clock: Clock
  store: Pick<NodeStore, 'unpublishedMeasurements' | 'markPublished'>
  pubsub: Pick<NodePubSub, 'getTopics' | 'getMeshPeers' | 'getSubscribers' | 'publish'>
  log: Logger
}

export interface Publisher {
  /** Publishes what the store holds as unpublished; resolves to how many reached a peer. */
  publishPending(options?: { signal?: AbortSignal }): Promise<number>
}

/**
 * Publishes own measurements the store holds as unpublished, oldest first, and marks those that
 * reached at least one peer. A node that restarts, or that had no peers yet, catches up here:
 * nothing it measured is lost. The bytes published are the stored ones, encoded once when signed.
 */
export function createPublisher(components: PublisherComponents): Publisher {
  const { params, clock, store, pubsub, log } = components
  return {
    async publishPending(options = {}) {
      let published = 0
      const now = clock.now()
      const current = roundAt(params, now)
      for (const m of store.unpublishedMeasurements(256)) {
        if (options.signal?.aborted) break
        // Past its gossip window peers would drop it, or (two rounds on) punish it as a replay (spec
        // §12.5). It stays in the store and reaches them in this node's committee blocks (§12.7).
        if (m.round < current - 1 || now > roundStartTime(params, m.round + 1) + params.gracePeriodMs) {
          store.markPublished(m.cid)
          continue
        }
        const topic = measurementTopic(params, m.shard)
        // Only into a formed mesh: right after connecting, gossipsub may count a peer as a recipient
        // before its stream is open and drop the message (STACK.md). Until then it stays pending.
        // (On a shard we left, e.g. after a restart in the next round, gossipsub sends through its fanout.)
        const ready = pubsub.getTopics().includes(topic) ? pubsub.getMeshPeers(topic).length > 0 : pubsub.getSubscribers(topic).length > 0
        if (!ready) continue
        try {
          const result = await pubsub.publish(topic, m.bytes)
          if (result.recipients.length > 0) {
            store.markPublished(m.cid)
            published++
          }
        } catch (err) {
          // gossipsub refuses a message it has already seen: then it is out there
          if (isDuplicatePublishError(err)) store.markPublished(m.cid)
          else log.debug('publish failed, will retry', { cid: m.cid, error: String(err) })
        }
      }
      return published
    },
  }
}
