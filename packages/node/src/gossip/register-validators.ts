import { type GossipSub, TopicValidatorResult } from '@libp2p/gossipsub'
import { INTERNAL_ERROR, toValidatorResult } from './errors.js'
import { addBehaviourPenalty } from './gossipsub-internals.js'
import { IgnoreBudget } from './ignore-budget.js'
import { type AcceptedMessage, type GossipValidators, validateAs } from './kinds.js'
import { type GossipKind, parseTopic } from './topics.js'

/** Validation outcomes since start: accepted per kind, rejected and ignored per code. */
export interface GossipMetrics {
  accepted: Map<GossipKind, number>
  rejected: Map<string, number>
  ignored: Map<string, number>
}

export function createGossipMetrics(): GossipMetrics {
  return { accepted: new Map(), rejected: new Map(), ignored: new Map() }
}

export interface RegisterValidatorsInit {
  /** Topics built by `measurementTopic` / `attestationTopic`; the kind is read from each. */
  topics: Iterable<string>
  /** Counters to add to (shared across calls); a fresh set when absent. */
  metrics?: GossipMetrics
  /** Called with each accepted message before gossipsub delivers and forwards it. */
  onAccept?(accepted: AcceptedMessage): void
  /** A validator or onAccept failed with something else than a GossipValidationError: our bug. */
  onInternalError?(err: unknown, topic: string): void
  /** Ignored messages a peer may send before each further one costs it a behaviour penalty. Default: a new IgnoreBudget(). */
  ignoreBudget?: IgnoreBudget
}

/** Ignore codes that say something about us, not the sender: they never use up its budget. */
// CHAIN_UNREADABLE: our chain RPC failed (LOTUS_UNREACHABLE), the sender may be quite right;
// CHAIN_BUSY: too many chain reads in flight here, whoever caused them (lookup-budget.ts)
const OUR_FAULT = new Set(['ROUND_UNKNOWN', 'CHAIN_UNREADABLE', 'CHAIN_BUSY', INTERNAL_ERROR])
/** The metric label (and penalty label) of an Ignored message past its sender's budget. */
export const IGNORE_BUDGET_EXCEEDED = 'IGNORE_BUDGET_EXCEEDED'

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

/**
 * Sets `pubsub.topicValidators` for each topic. The installed function never throws: gossipsub
 * would count a throw as Ignore, sparing the sender its penalty, so the verdict (Accept,
 * Ignore, Reject) is always returned explicitly and counted in the metrics. A peer past its
 * IgnoreBudget is charged gossipsub's behaviour penalty on `pubsub` (gossipsub-internals.ts).
 * Returns the metrics.
 *
 * @example
 * const metrics = registerValidators(node.services.pubsub, gossipValidators(ctx), { topics: measurementTopics(params) })
 */
export function registerValidators(
  pubsub: Pick<GossipSub, 'topicValidators'>,
  validators: GossipValidators,
  init: RegisterValidatorsInit,
): GossipMetrics {
  const metrics = init.metrics ?? createGossipMetrics()
  const budget = init.ignoreBudget ?? new IgnoreBudget()
  for (const topic of init.topics) {
    const kind = parseTopic(topic)?.kind
    if (kind === undefined) throw new RangeError(`not a Spark Swarm topic: ${topic}`)
    pubsub.topicValidators.set(topic, async (from, msg) => {
      let accepted: AcceptedMessage
      try {
        accepted = await validateAs(validators, kind, topic, from, msg.data)
      } catch (err) {
        const { result, label } = toValidatorResult(err)
        if (label === INTERNAL_ERROR) init.onInternalError?.(err, topic)
        // An endless stream of Ignored messages is a flood: past its budget the sender gets a
        // behaviour penalty (P7). The message itself stays Ignored: it may be an honest one that
        // we alone cannot judge, and a Reject would also penalise honest peers relaying it.
        if (result === TopicValidatorResult.Ignore && !OUR_FAULT.has(label) && !budget.spend(from.toString())) {
          addBehaviourPenalty(pubsub, from.toString(), IGNORE_BUDGET_EXCEEDED)
          increment(metrics.ignored, IGNORE_BUDGET_EXCEEDED)
          return result
        }
        increment(result === TopicValidatorResult.Reject ? metrics.rejected : metrics.ignored, label)
        return result
      }
      increment(metrics.accepted, kind)
      try {
        init.onAccept?.(accepted)
      } catch (err) {
        // the message is valid whatever our handler thinks of it
        init.onInternalError?.(err, topic)
      }
      return TopicValidatorResult.Accept
    })
  }
  return metrics
}
