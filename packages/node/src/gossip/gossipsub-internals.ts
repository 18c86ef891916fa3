import { type GossipSub, type GossipSubComponents, type GossipsubOpts, gossipsub } from '@libp2p/gossipsub'

/*
 * The one place that reaches past @libp2p/gossipsub's exported interface. Each item below uses
 * something the GossipSub class has but its types or its API do not promise; if the library
 * changes under it, gossipsub-internals.test.ts fails, and this file is what to fix. Nothing else
 * in the node casts a gossipsub instance.
 */

/**
 * The gossipsub instance as it really is. The exported `GossipSub` interface lacks the score and
 * mesh getters, which the class has: the node reads scores to ban graylisted peers, and meshes
 * to publish only once a mesh has formed (STACK.md).
 */
export interface ScoredGossipSub extends GossipSub {
  /** The peer's current score (peer id as a string). */
  getScore(peerId: string): number
  /** Peer ids (strings) in our mesh for the topic. */
  getMeshPeers(topic: string): string[]
}

/** The gossipsub factory, typed as the class it builds (with getScore and getMeshPeers). */
export function scoredGossipsub(options: Partial<GossipsubOpts>): (components: GossipSubComponents) => ScoredGossipSub {
  return gossipsub(options) as (components: GossipSubComponents) => ScoredGossipSub
}

// gossipsub's peer score, as far as the behaviour penalty (P7) goes: the class's `score` field
interface BehaviourPenalties {
  score?: { addPenalty(peer: string, penalty: number, label: never): void }
}

/**
 * Adds one behaviour penalty (P7) to `peer`'s score, labelled `label` in gossipsub's metrics.
 * gossipsub charges P7 itself only for broken IWANT promises and GRAFT floods; the node also
 * charges it for Ignored messages past a peer's IgnoreBudget, and no public API adds to a peer's
 * score, so this reaches the class's `score` field, which the exported interface lacks. The label
 * is typed as gossipsub's own `ScorePenalty` enum, which takes no labels of ours. A pubsub
 * without a score (a test double) is left alone.
 */
export function addBehaviourPenalty(pubsub: object, peer: string, label: string): void {
  ;(pubsub as BehaviourPenalties).score?.addPenalty(peer, 1, label as never)
}

/**
 * True when `publish` failed because gossipsub has already seen the message (its seen-cache
 * holds the id): then the message is already out there. gossipsub throws a plain
 * `Error('PublishError.Duplicate')`, with no code or class to test, so the message is matched.
 * (Its `ignoreDuplicatePublishError` option would instead return zero recipients, which the
 * node could not tell from a mesh that is not there yet.)
 */
export function isDuplicatePublishError(err: unknown): boolean {
  return /duplicate/i.test(String((err as Error)?.message))
}
