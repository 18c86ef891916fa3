/*
 * Chain reads that gossip makes this node do (spec §12.5, rule 13a). A measurement naming a
 * participant this node has no answer for costs a Lotus call, and keys cost nothing to mint: without
 * a bound, a peer relaying measurements of ever new participants drives the node's Lotus endpoint
 * as hard as it likes, and honest measurements wait behind its reads.
 *
 * A peer spends one lookup per read it causes and gets it back when the participant proves
 * eligible (or the chain fails us): an honest peer relays only what its own validator accepted, so
 * eligible participants, and ends up spending nothing. What stays spent is reads still in flight
 * and participants that proved ineligible. Besides, reads caused by gossip in flight at once are
 * capped for all peers together, so that many peers cannot add up to a flood.
 */

export interface LookupBudgetInit {
  /** Lookups a peer may have in flight or spent on ineligible participants, per round. Default 64. */
  perPeerPerRound?: number
  /** Reads caused by gossip in flight at once, all peers together. Default 512. */
  maxPending?: number
}

export const LOOKUP_BUDGET_DEFAULTS = Object.freeze({ perPeerPerRound: 64, maxPending: 512 })

/** Why a lookup may not be made: the peer's budget for the round is spent, or too many reads are in flight. */
export type LookupRefusal = 'peer' | 'busy'

// measurements are validated for the current round and the previous one (spec §12.5, rules 5–5a)
const KEPT_ROUNDS = 2

export class LookupBudget {
  readonly perPeerPerRound: number
  readonly maxPending: number
  // round → peer → lookups spent. Peers are the node's connections (bounded by its connection manager)
  readonly #spent = new Map<number, Map<string, number>>()
  #pending = 0

  constructor(init: LookupBudgetInit = {}) {
    this.perPeerPerRound = init.perPeerPerRound ?? LOOKUP_BUDGET_DEFAULTS.perPeerPerRound
    this.maxPending = init.maxPending ?? LOOKUP_BUDGET_DEFAULTS.maxPending
  }

  /** Reads caused by gossip in flight now. */
  get pending(): number {
    return this.#pending
  }

  /** Takes one lookup of `peer`'s budget for `round`; undefined when taken, else why not. */
  take(round: number, peer: string): LookupRefusal | undefined {
    if (this.#pending >= this.maxPending) return 'busy'
    let peers = this.#spent.get(round)
    if (!peers) {
      peers = new Map()
      this.#spent.set(round, peers)
      for (const r of this.#spent.keys()) if (r <= round - KEPT_ROUNDS) this.#spent.delete(r)
    }
    const spent = peers.get(peer) ?? 0
    if (spent >= this.perPeerPerRound) return 'peer'
    peers.set(peer, spent + 1)
    this.#pending++
    return undefined
  }

  /** The read `take` allowed is done; `refund` when it cost the peer nothing (eligible, or our chain failed). */
  settle(round: number, peer: string, refund: boolean): void {
    this.#pending--
    if (!refund) return
    const peers = this.#spent.get(round)
    const spent = peers?.get(peer)
    if (peers && spent !== undefined) {
      if (spent <= 1) peers.delete(peer)
      else peers.set(peer, spent - 1)
    }
  }
}
