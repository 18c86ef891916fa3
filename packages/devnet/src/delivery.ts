import type { CheckerNode } from '@spark-swarm/node'
import { cidOfDagCbor, cidText, decodeSignedMeasurement } from '@spark-swarm/protocol'

/** One measurement arriving at one node: how long after its check ended. */
export interface Delivery {
  round: number
  cid: string
  stationId: string
  /** Index of the receiving node in the list given to `trackDelivery`. */
  receiver: number
  /** Arrival (after validation) minus the measurement's `endAt`: check-to-peer latency, ms. */
  latencyMs: number
}

export interface DeliveryTracker {
  /** Every delivery seen so far (a measurement reaching a node other than its author). */
  readonly deliveries: Delivery[]
  /** Deliveries of one round, optionally only those of the given stations. */
  ofRound(round: number, stations?: ReadonlySet<string>): Delivery[]
  stop(): void
}

interface GossipMessage {
  topic: string
  data: Uint8Array
}

/**
 * Watches the nodes' gossip for measurements that passed validation and records when each
 * arrived where. All nodes share this process's clock, so the latency needs no synchronisation.
 * For tests and benches: it decodes every message a second time.
 */
export function trackDelivery(nodes: readonly CheckerNode[]): DeliveryTracker {
  const deliveries: Delivery[] = []
  const detach: Array<() => void> = []
  nodes.forEach((node, receiver) => {
    const pubsub = node.host?.libp2p.services.pubsub as unknown as EventTarget | undefined
    if (!pubsub) throw new Error(`node ${receiver} is not started`)
    const onMessage = (event: Event) => {
      const now = Date.now()
      const msg = (event as CustomEvent<GossipMessage>).detail
      if (!msg.topic.includes('/measurements/')) return
      try {
        const m = decodeSignedMeasurement(msg.data)
        const ended = m.endAt ?? m.startAt
        if (ended === null) return
        deliveries.push({ round: m.round, cid: cidText(cidOfDagCbor(msg.data)), stationId: m.stationId, receiver, latencyMs: now - ended })
      } catch {
        // not a measurement: validation would not have let it through; nothing to time
      }
    }
    pubsub.addEventListener('message', onMessage)
    detach.push(() => pubsub.removeEventListener('message', onMessage))
  })
  return {
    deliveries,
    ofRound(round, stations) {
      return deliveries.filter((d) => d.round === round && (!stations || stations.has(d.stationId)))
    },
    stop() {
      for (const d of detach) d()
    },
  }
}

/** The q-quantile (0–1) of the values by nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number
}
