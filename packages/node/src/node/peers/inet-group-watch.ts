import type { IdentifyResult, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { agreedInetGroup, type InetGroupObservation, inetGroupOfIp } from '@spark-swarm/protocol'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { InetGroupInForce } from '../inet-group-in-force.js'
import type { Host } from './host.js'

/** multiaddr codes: ip4, ip6, ip6zone, and the relayed connection's marker. */
const IP4 = 4
const IP6 = 41
const IP6ZONE = 42
const P2P_CIRCUIT = 290

/** Peers remembered at most: one observation each, the newest (libp2p keeps ≤ 300 connections). */
const MAX_PEERS = 1_000

/** The group an address is in, when it is a direct IP address (a relayed one says where the relay is, not the peer). */
export function inetGroupOfMultiaddr(ma: Multiaddr): string | undefined {
  const parts = ma.getComponents()
  if (parts.some((c) => c.code === P2P_CIRCUIT)) return undefined
  const ip = parts[0]?.code === IP6ZONE ? parts[1] : parts[0]
  if (!ip || (ip.code !== IP4 && ip.code !== IP6) || ip.value === undefined) return undefined
  return inetGroupOfIp(ip.value)
}

export interface InetGroupWatch {
  /** Observer groups voting now (one vote each, spec §5.5). */
  readonly observerGroups: number
  stop(): void
}

/**
 * Learns the node's inet group from identify (spec §5.5): every identify answer carries the
 * address the peer sees this node at (`observedAddr`), and the connection it came over says which
 * group the peer itself is in. Identify runs on every new connection, both ways. The newest observation per connected peer is kept, a peer's is
 * forgotten when it disconnects, and each time they change the agreement rule is asked again;
 * `onAgreed` hears the group they agree on, every time they do (the caller keeps the one in force).
 */
export function watchInetGroup(
  libp2p: Pick<Host['libp2p'], 'addEventListener' | 'removeEventListener' | 'getConnections' | 'services'>,
  init: { onAgreed: (group: string, observerGroups: number) => void; now?: () => number },
): InetGroupWatch {
  const now = init.now ?? Date.now
  const byPeer = new Map<string, InetGroupObservation>()
  const decide = () => {
    const group = agreedInetGroup(byPeer.values())
    if (group) init.onAgreed(group, new Set([...byPeer.values()].map((o) => o.by)).size)
  }
  const onIdentify = (e: CustomEvent<IdentifyResult>) => {
    const { connection, observedAddr, peerId } = e.detail
    // a relayed connection's addresses are the relay's: no observation of anyone's network
    if (connection.limits !== undefined || observedAddr === undefined) return
    const of = inetGroupOfMultiaddr(observedAddr)
    const by = inetGroupOfMultiaddr(connection.remoteAddr)
    if (!of || !by) return
    const key = peerId.toString()
    byPeer.delete(key)
    byPeer.set(key, { by, of, at: now() })
    // the oldest first out: a flood of short-lived peers cannot grow the map
    if (byPeer.size > MAX_PEERS) byPeer.delete(byPeer.keys().next().value as string)
    decide()
  }
  const onDisconnect = (e: CustomEvent<PeerId>) => {
    byPeer.delete(e.detail.toString())
  }
  libp2p.addEventListener('peer:identify', onIdentify)
  libp2p.addEventListener('peer:disconnect', onDisconnect)
  // connections the host opened before this watch (bootstrap dials start with the host) were
  // identified unheard: ask them again, and their answers arrive as events like any other
  for (const connection of libp2p.getConnections()) {
    libp2p.services.identify.identify(connection).catch(() => {})
  }
  return {
    get observerGroups() {
      return new Set([...byPeer.values()].map((o) => o.by)).size
    },
    stop: () => {
      libp2p.removeEventListener('peer:identify', onIdentify)
      libp2p.removeEventListener('peer:disconnect', onDisconnect)
    },
  }
}

/**
 * The node's side of it: for as long as `signal` lives, the group peers agree on becomes the group
 * in force, announced once per change (event `inet-group:adopted`, log code INET_GROUP_OBSERVED).
 */
export function learnInetGroup(
  host: Host,
  inForce: InetGroupInForce,
  events: TypedEventTarget<CheckerNodeEvents>,
  signal: AbortSignal,
): void {
  const watch = watchInetGroup(host.libp2p, {
    onAgreed: (group, observerGroups) => {
      if (!inForce.adopt(group)) return
      events.emit('inet-group:adopted', { group, observerGroups })
      events.emit('activity', {
        level: 'info',
        message: `inet group ${group}: peers in ${observerGroups} networks observe this node there`,
        code: 'INET_GROUP_OBSERVED',
      })
    },
  })
  signal.addEventListener('abort', () => watch.stop(), { once: true })
}
