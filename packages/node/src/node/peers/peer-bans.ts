import type { ConnectionGater, Libp2p, PeerId } from '@libp2p/interface'

export interface PeerBansInit {
  /** How long a banned peer may not connect; default 10 minutes. */
  banMs?: number
  /** Peers banned at once; past it the oldest ban is lifted. Default 4,096. */
  maxBanned?: number
  now?: () => number
}

interface ScoredPubsub extends EventTarget {
  getScore(peerId: string): number
}

/**
 * Graylisting (gossipsub's lowest score threshold) makes a node ignore a peer's messages, but
 * the peer stays connected and every message it sends is still read and decoded: a spammer keeps
 * costing CPU at wire speed. A peer whose score falls below the threshold is therefore hung up on
 * and refused (dial and inbound) for `banMs`; its new connections cost one handshake each.
 */
export class PeerBans {
  readonly banMs: number
  readonly #maxBanned: number
  readonly #now: () => number
  readonly #until = new Map<string, number>()

  constructor(init: PeerBansInit = {}) {
    this.banMs = init.banMs ?? 10 * 60_000
    this.#maxBanned = init.maxBanned ?? 4_096
    this.#now = init.now ?? Date.now
  }

  isBanned(peer: PeerId | string): boolean {
    const id = peer.toString()
    const until = this.#until.get(id)
    if (until === undefined) return false
    if (until > this.#now()) return true
    this.#until.delete(id)
    return false
  }

  ban(peer: PeerId | string): void {
    this.#until.delete(peer.toString())
    this.#until.set(peer.toString(), this.#now() + this.banMs)
    // insertion order is ban order: drop the oldest when full
    while (this.#until.size > this.#maxBanned) this.#until.delete(this.#until.keys().next().value as string)
  }

  /** Peers banned now. */
  get size(): number {
    for (const id of [...this.#until.keys()]) this.isBanned(id)
    return this.#until.size
  }

  /** A gater that refuses banned peers, then asks `inner` (the embedder's own gater) if given. */
  gater(inner: ConnectionGater = {}): ConnectionGater {
    return {
      ...inner,
      denyDialPeer: async (peer) => this.isBanned(peer) || ((await inner.denyDialPeer?.(peer)) ?? false),
      denyInboundEncryptedConnection: async (peer, conn) =>
        this.isBanned(peer) || ((await inner.denyInboundEncryptedConnection?.(peer, conn)) ?? false),
      denyOutboundEncryptedConnection: async (peer, conn) =>
        this.isBanned(peer) || ((await inner.denyOutboundEncryptedConnection?.(peer, conn)) ?? false),
    }
  }

  /**
   * After every gossipsub heartbeat (when scores are refreshed), bans and hangs up on connected
   * peers scored below `threshold`. Returns a function that stops watching.
   */
  watch(libp2p: Libp2p, pubsub: ScoredPubsub, threshold: number, onBan?: (peer: string, score: number) => void): () => void {
    const check = () => {
      for (const peer of libp2p.getPeers()) {
        const score = pubsub.getScore(peer.toString())
        if (score >= threshold) continue
        this.ban(peer)
        onBan?.(peer.toString(), score)
        void libp2p.hangUp(peer).catch(() => {})
      }
    }
    pubsub.addEventListener('gossipsub:heartbeat', check)
    return () => pubsub.removeEventListener('gossipsub:heartbeat', check)
  }
}
