import type { GossipSub } from '@libp2p/gossipsub'
import { type ProtocolParams, roundAt } from '@spark-swarm/protocol'
import type { GossipAdmission } from './admission.js'
import type { GossipValidationContext, RoundInfo } from './context.js'
import { dispatch, type GossipHandlers, gossipValidators } from './kinds.js'
import { createGossipMetrics, type GossipMetrics, registerValidators } from './register-validators.js'
import { gossipTopics } from './topics.js'

/** What installing gossip uses of a running node (a node's context has all of it). */
export interface GossipComponents {
  params: ProtocolParams
  clock: { now(): number }
  /** The node's derived rounds; validators judge against the ones known here. */
  rounds: { known(round: number): RoundInfo | undefined }
  host: { libp2p: { services: { pubsub: Pick<GossipSub, 'topicValidators'> } } }
  log: { error(message: string, fields?: Record<string, unknown>): void }
  /** Version 2 (spec §13): required on a version-2 network. */
  admission?: GossipAdmission
}

/**
 * Validators on every topic of the network, judged against the node's own view of the rounds
 * (current and previous), and the handlers, one per kind, that store what they accept. Each
 * handler runs before gossipsub forwards the message. Returns the metrics: one counter per
 * accepted kind and per rejection/ignore code.
 */
export function installGossip(components: GossipComponents, handlers: GossipHandlers): GossipMetrics {
  const { params, clock, rounds, log } = components
  const metrics = createGossipMetrics()
  const validationContext: GossipValidationContext = {
    params,
    now: () => clock.now(),
    get currentRound() {
      return roundAt(params, clock.now())
    },
    roundInfo: (round: number) => rounds.known(round),
    ...(components.admission ? { admission: components.admission } : {}),
  }
  registerValidators(components.host.libp2p.services.pubsub, gossipValidators(validationContext), {
    topics: gossipTopics(params),
    metrics,
    onAccept: (accepted) => dispatch(handlers, accepted),
    onInternalError(err, topic) {
      log.error('gossip validation failed unexpectedly', { topic, error: String(err) })
    },
  })
  return metrics
}
