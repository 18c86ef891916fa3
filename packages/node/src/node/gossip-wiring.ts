import { cidText, type ProtocolParams, roundAt } from '@spark-swarm/protocol'
import {
  createGossipMetrics,
  GossipKind,
  type GossipMetrics,
  gossipValidators,
  measurementTopics,
  registerValidators,
  summariesTopic,
  type ValidatedAttestation,
  type ValidatedMeasurement,
} from '../gossip/index.js'
import type { NodeContext } from './context.js'

export interface GossipHandlers {
  /** A measurement that passed every gossip check (before gossipsub forwards it). */
  onMeasurement(measurement: ValidatedMeasurement['measurement'], cid: string): void
  /** An attestation that passed every gossip check. */
  onAttestation(attestation: ValidatedAttestation['attestation']): void
}

function allTopics(params: ProtocolParams): string[] {
  return [...measurementTopics(params), summariesTopic(params)]
}

/**
 * Validators on every topic of the network, judged against the node's own view of the rounds
 * (current and previous), and the handlers that store what they accept. Returns the metrics: one
 * counter per accepted kind and per rejection/ignore code.
 */
export function installGossip(ctx: NodeContext, handlers: GossipHandlers): GossipMetrics {
  const metrics = createGossipMetrics()
  const validationContext = {
    params: ctx.params,
    now: () => ctx.clock.now(),
    get currentRound() {
      return roundAt(ctx.params, ctx.clock.now())
    },
    roundInfo: (round: number) => ctx.rounds.known(round),
  }
  registerValidators(ctx.host.libp2p.services.pubsub, gossipValidators(validationContext), {
    topics: allTopics(ctx.params),
    metrics,
    onAccept(accepted) {
      if (accepted.kind === GossipKind.measurement) handlers.onMeasurement(accepted.value.measurement, cidText(accepted.value.cid))
      else handlers.onAttestation(accepted.value.attestation)
    },
    onInternalError(err, topic) {
      ctx.log.error('gossip validation failed unexpectedly', { topic, error: String(err) })
    },
  })
  return metrics
}
