import type { Libp2p } from '@libp2p/interface'
import { scopedSignal } from '../../util/scoped-signal.js'

export interface PeerKeeperInit {
  /** Below this many connected peers, known peers are redialled; default 8. */
  minPeers?: number
  /** How often to look; default 5 s. */
  intervalMs?: number
  /** Per dial; default 5 s. */
  dialTimeoutMs?: number
  signal: AbortSignal
  onError?(err: unknown): void
}

/**
 * Keeps the node connected: bootstrap dials once, and libp2p gives up on a peer after a few
 * failed reconnects, so a node cut off for a while (a network partition, a laptop lid) would
 * stay alone once the network is back. Every interval, while fewer than `minPeers` peers are
 * connected, it dials known but unconnected peers from the peer store, a few at a time.
 */
export function startPeerKeeper(libp2p: Libp2p, init: PeerKeeperInit): { stop(): void } {
  const minPeers = init.minPeers ?? 8
  const dialTimeoutMs = init.dialTimeoutMs ?? 5_000
  let running = false
  const tick = async () => {
    if (running || init.signal.aborted) return
    running = true
    try {
      const connected = new Set(libp2p.getPeers().map((p) => p.toString()))
      const missing = minPeers - connected.size
      if (missing <= 0) return
      const self = libp2p.peerId.toString()
      const known = (await libp2p.peerStore.all()).filter(
        (p) => p.addresses.length > 0 && !connected.has(p.id.toString()) && p.id.toString() !== self,
      )
      // a random few, so that two halves of a partition do not all dial the same peer
      for (const peer of shuffle(known).slice(0, Math.min(missing, 3))) {
        if (init.signal.aborted) return
        // a scoped signal, not AbortSignal.any: that leaves a listener on the node's lifetime signal (scoped-signal.ts)
        const scope = scopedSignal([init.signal], dialTimeoutMs)
        await libp2p
          .dial(peer.id, { signal: scope.signal })
          .catch((err: unknown) => {
            if (!init.signal.aborted) init.onError?.(err)
          })
          .finally(() => scope.clear())
      }
    } catch (err) {
      if (!init.signal.aborted) init.onError?.(err)
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), init.intervalMs ?? 5_000)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
    },
  }
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}
