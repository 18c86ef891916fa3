import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Host } from './host.js'

/** What a relayed connection is: its remote address goes through a relay (`…/p2p-circuit/…`). */
export function isRelayed(connection: Pick<Connection, 'remoteAddr'>): boolean {
  return connection.remoteAddr.getComponents().some((c) => c.name === 'p2p-circuit')
}

/** The longest wait between two direct dials of one relayed peer. */
export const MAX_BACKOFF_MS = 10 * 60_000

export interface DirectUpgrade {
  /** Relayed connections replaced by a direct one since start (by DCUtR or by a direct dial). */
  readonly upgraded: number
  stop(): void
}

/**
 * Moves peers off relays. A relay's slots and limits are for peers that cannot be dialled; once
 * a direct connection to a peer exists its relayed one is closed. DCUtR punches a direct
 * connection only towards public addresses; for the rest (two nodes of one LAN behind the same
 * NAT, a devnet, a peer whose firewall opened later) the peer's direct addresses are dialled
 * while the only connection to it goes through a relay: after `intervalMs`, then twice as long
 * after each failure, up to `MAX_BACKOFF_MS` (a peer behind a NAT that never opens costs a dial
 * every 10 minutes, not every few seconds).
 */
export function startDirectUpgrade(
  libp2p: Pick<Host['libp2p'], 'addEventListener' | 'removeEventListener' | 'getConnections' | 'dial' | 'peerStore'>,
  init: { intervalMs: number; onError?: (err: unknown) => void },
): DirectUpgrade {
  let upgraded = 0
  const onOpen = (event: CustomEvent<Connection>) => {
    const connection = event.detail
    if (isRelayed(connection)) return
    const relayed = libp2p.getConnections(connection.remotePeer).filter((c) => c !== connection && isRelayed(c))
    if (relayed.length === 0) return
    upgraded++
    for (const c of relayed) c.close().catch(() => c.abort(new Error('replaced by a direct connection')))
  }
  libp2p.addEventListener('connection:open', onOpen)
  // per relayed peer: when to dial it next, and how long to wait after that if it fails again
  const backoff = new Map<string, { next: number; waitMs: number }>()
  let dialing = false
  const tick = async () => {
    if (dialing) return
    dialing = true
    try {
      const relayedPeers = onlyRelayed(libp2p.getConnections())
      const current = new Set(relayedPeers.map(String))
      for (const key of backoff.keys()) if (!current.has(key)) backoff.delete(key)
      for (const peer of relayedPeers) {
        const key = peer.toString()
        const due = backoff.get(key) ?? { next: 0, waitMs: init.intervalMs }
        if (Date.now() < due.next) continue
        const addrs = await directAddresses(libp2p, peer)
        if (addrs.length === 0) continue
        await libp2p.dial(addrs).then(
          () => backoff.delete(key),
          (err: unknown) => {
            backoff.set(key, { next: Date.now() + due.waitMs, waitMs: Math.min(MAX_BACKOFF_MS, due.waitMs * 2) })
            init.onError?.(err)
          },
        )
      }
    } finally {
      dialing = false
    }
  }
  const timer = setInterval(() => void tick().catch((err: unknown) => init.onError?.(err)), init.intervalMs)
  timer.unref()
  return {
    get upgraded() {
      return upgraded
    },
    stop() {
      clearInterval(timer)
      libp2p.removeEventListener('connection:open', onOpen)
    },
  }
}

/** Peers whose every open connection goes through a relay. */
function onlyRelayed(connections: Connection[]): PeerId[] {
  const byPeer = new Map<string, { peer: PeerId; direct: boolean }>()
  for (const c of connections) {
    if (c.status !== 'open') continue
    const key = c.remotePeer.toString()
    const seen = byPeer.get(key) ?? { peer: c.remotePeer, direct: false }
    seen.direct ||= !isRelayed(c)
    byPeer.set(key, seen)
  }
  return [...byPeer.values()].filter((p) => !p.direct).map((p) => p.peer)
}

/** The addresses the peer store holds for a peer that do not go through a relay, with its id. */
async function directAddresses(libp2p: Pick<Host['libp2p'], 'peerStore'>, peer: PeerId): Promise<Multiaddr[]> {
  const known = await libp2p.peerStore.get(peer).catch(() => undefined)
  return (known?.addresses ?? [])
    .map((a) => a.multiaddr)
    .filter((ma) => !ma.getComponents().some((c) => c.name === 'p2p-circuit'))
    .map((ma) => (ma.getComponents().some((c) => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${peer.toString()}`)))
}
