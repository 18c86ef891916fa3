/** How many Ignored messages a peer may send before the rest count against it. */
export interface IgnoreBudgetInit {
  /** Ignored messages a peer may send in one burst. Default 2,000. */
  burst?: number
  /** Ignored messages per second a peer may keep sending. Default 200. */
  perSecond?: number
  /** Peers tracked at once; past it, peers whose budget is full again are forgotten. Default 4,096. */
  maxPeers?: number
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number
}

export const IGNORE_BUDGET_DEFAULTS = Object.freeze({ burst: 2_000, perSecond: 200, maxPeers: 4_096 })

/**
 * Ignore costs a peer nothing (gossipsub's rule): a message for a round this node does not judge
 * may just come from a peer with another clock. But each message, ignored or not, sits in
 * gossipsub's seen caches for their whole TTL (2 minutes, ~1 KB with its delivery record), so a
 * peer sending valid-looking messages of a future round as fast as it can would grow a node's
 * memory by hundreds of MB without ever being scored down. This is a token bucket per peer:
 * honest peers stay far below it (they relay only what they accepted, and disagree with us only
 * at round edges); past it, every further Ignored message costs the peer a behaviour penalty
 * (gossipsub's P7), which graylists it after a few.
 */
export class IgnoreBudget {
  readonly burst: number
  readonly perSecond: number
  readonly #maxPeers: number
  readonly #now: () => number
  readonly #peers = new Map<string, { tokens: number; at: number }>()

  constructor(init: IgnoreBudgetInit = {}) {
    this.burst = init.burst ?? IGNORE_BUDGET_DEFAULTS.burst
    this.perSecond = init.perSecond ?? IGNORE_BUDGET_DEFAULTS.perSecond
    this.#maxPeers = init.maxPeers ?? IGNORE_BUDGET_DEFAULTS.maxPeers
    this.#now = init.now ?? (() => performance.now())
  }

  /** Peers with a partly used budget. */
  get tracked(): number {
    return this.#peers.size
  }

  /** Spends one Ignored message of `peer`'s budget; false when the budget is used up. */
  spend(peer: string): boolean {
    const now = this.#now()
    let entry = this.#peers.get(peer)
    if (entry === undefined) {
      if (this.#peers.size >= this.#maxPeers) this.#forgetFull(now)
      entry = { tokens: this.burst, at: now }
      this.#peers.set(peer, entry)
    }
    entry.tokens = Math.min(this.burst, entry.tokens + ((now - entry.at) * this.perSecond) / 1000)
    entry.at = now
    if (entry.tokens < 1) return false
    entry.tokens--
    return true
  }

  // a peer whose budget has refilled is no different from a new one: its entry can go
  #forgetFull(now: number): void {
    for (const [peer, entry] of this.#peers) {
      if (entry.tokens + ((now - entry.at) * this.perSecond) / 1000 >= this.burst) this.#peers.delete(peer)
    }
    // all of them are spending right now: forget the oldest rather than grow
    while (this.#peers.size >= this.#maxPeers) this.#peers.delete(this.#peers.keys().next().value as string)
  }
}
