import { isPrivate } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { CHECKER_VERSION, type ProtocolParams, paramsDigest, parseTaskId } from '@spark-swarm/protocol'
import type { GossipMetrics } from '../../gossip/index.js'
import type { NodeStore } from '../../store/index.js'
import type { AdmissionStatus } from '../admission/own-admission.js'
import type { Convergence } from '../anchor/convergence.js'
import type { LocalFault } from '../health/local-faults.js'
import type { InetGroupSource } from '../inet-group-in-force.js'
import type { ParamsStatus } from '../params-watch.js'
import type { OwnChecks } from '../round/own-check.js'
import { type CheckerNodeStatus, type Reachability, roundStatus, roundTimes, STATUS_ROUNDS } from './status.js'

/** What a status is read from, at the moment it is asked for. */
export interface StatusSources {
  params: ProtocolParams
  now: number
  peerId: string
  stationId: string
  /** Defaults to this package's CHECKER_VERSION. */
  checkerVersion?: string
  inetGroup?: string
  inetGroupSource?: InetGroupSource
  multiaddrs: string[]
  outdated: boolean
  bannedPeers: number
  /** The parts of a started node; undefined before `start()` and after `stop()`. */
  running?: {
    store: Pick<NodeStore, 'taskStatus' | 'lastAnchoredSummary' | 'sizeBytes' | 'countMeasurements'>
    ownChecks: Pick<OwnChecks, 'jobsCompleted' | 'results'>
    peers: number
  }
  /** Kept after `stop()`: the rounds a stopped node anchored still show. */
  convergence?: Pick<Convergence, 'recent' | 'isConfirmed'>
  gossipMetrics?: GossipMetrics
  /** The node's local faults now; none before `start()`. */
  localFaults?: LocalFault[]
  /** The params watch's view; without it, the node's own params and no mismatch. */
  paramsStatus?: ParamsStatus
  /** Version 2: the node's own admission while it runs. */
  admission?: AdmissionStatus
  /** Relay reservations served (null: not a relay) and relayed connections upgraded, while it runs. */
  nat?: { relaying: number | null; upgraded: number }
}

/** The node's status as `status()`, the status page and `/api/status` show it. */
export function buildStatus(s: StatusSources): CheckerNodeStatus {
  const times = roundTimes(s.params, s.now)
  const { running, convergence, gossipMetrics } = s
  const results = running?.ownChecks.results(times.round)
  const tasks = running
    ? [...running.store.taskStatus(times.round)].map(([id, t]) => ({
        ...parseTaskId(id),
        status: t.status,
        retrievalResult: results?.get(id) ?? null,
      }))
    : []
  return {
    version: s.checkerVersion ?? CHECKER_VERSION,
    inetGroup: s.inetGroup ?? null,
    inetGroupSource: s.inetGroupSource ?? (s.inetGroup === undefined ? 'unknown' : 'configured'),
    reachability: reachability(s.multiaddrs, running?.peers ?? 0, s.nat),
    peerId: s.peerId,
    stationId: s.stationId,
    network: s.params.network,
    multiaddrs: s.multiaddrs,
    ...times,
    jobsCompleted: running?.ownChecks.jobsCompleted ?? 0,
    peers: running?.peers ?? 0,
    outdated: s.outdated,
    tasks,
    rounds: convergence ? convergence.recent(STATUS_ROUNDS).map((o) => roundStatus(o, convergence.isConfirmed)) : [],
    lastAnchored: running?.store.lastAnchoredSummary(),
    store: { bytes: running?.store.sizeBytes() ?? 0, measurements: running?.store.countMeasurements() ?? 0 },
    gossip: {
      accepted: Object.fromEntries(gossipMetrics?.accepted ?? []),
      rejected: Object.fromEntries(gossipMetrics?.rejected ?? []),
      ignored: Object.fromEntries(gossipMetrics?.ignored ?? []),
      banned: s.bannedPeers,
    },
    localFaults: s.localFaults ?? [],
    params: s.paramsStatus ?? { paramsDigest: paramsDigest(s.params), upcoming: null, mismatch: null },
    admission: s.admission ?? null,
  }
}

function reachability(multiaddrs: string[], peers: number, nat: StatusSources['nat']): Reachability {
  const r = {
    listenAddresses: multiaddrs.length,
    nonLoopback: multiaddrs.some(isOutsideAddress),
    peers,
    ...reachedVia(multiaddrs),
    relaying: nat?.relaying ?? null,
    upgraded: nat?.upgraded ?? 0,
  }
  return { ...r, summary: reachabilitySummary(r) }
}

const VIA_TEXT: Record<Reachability['via'], string> = {
  public: 'reachable: a public address that peers dialled back',
  relayed: 'reachable through a relay',
  private: 'LAN addresses only: peers on other networks cannot dial it',
  loopback: 'loopback only: peers on other machines cannot dial it',
}

/** E.g. "reachable through a relay (1 relay, 3 listen addresses), 5 peers connected, relaying for 2". */
export function reachabilitySummary(r: Omit<Reachability, 'summary'>): string {
  const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`
  if (r.listenAddresses === 0) return `not listening, ${plural(r.peers, 'peer')} connected`
  const relays = r.via === 'relayed' ? `${plural(r.relays.length, 'relay')}, ` : ''
  let text = `${VIA_TEXT[r.via]} (${relays}${plural(r.listenAddresses, 'listen address', 'listen addresses')}), ${plural(r.peers, 'peer')} connected`
  if (r.relaying !== null) text += `, relaying for ${r.relaying}`
  if (r.upgraded > 0) text += `, ${plural(r.upgraded, 'relayed connection')} upgraded to direct`
  return text
}

/** How the announced addresses reach the node, best first, and the relays of its relayed ones. */
export function reachedVia(multiaddrs: string[]): Pick<Reachability, 'via' | 'relays'> {
  const relays = new Set<string>()
  let via: Reachability['via'] = 'loopback'
  for (const address of multiaddrs) {
    const circuit = address.indexOf('/p2p-circuit')
    if (circuit >= 0) {
      // /ip4/…/tcp/…/p2p/<relay>/p2p-circuit/p2p/<self>
      const relay = address.slice(0, circuit).split('/p2p/')[1]
      if (relay) relays.add(relay)
      if (via !== 'public') via = 'relayed'
      continue
    }
    let ma: Multiaddr
    try {
      ma = multiaddr(address)
    } catch {
      continue
    }
    if (!isOutsideAddress(address)) continue
    if (!isPrivate(ma)) via = 'public'
    else if (via === 'loopback') via = 'private'
  }
  return { via, relays: [...relays].sort() }
}

/** A multiaddr others could dial: an IP address that is neither loopback nor unspecified, or a DNS name. */
export function isOutsideAddress(multiaddr: string): boolean {
  const [, proto, host] = multiaddr.split('/')
  if (proto === 'ip4') return !(host?.startsWith('127.') || host === '0.0.0.0')
  if (proto === 'ip6') return !(host === '::1' || host === '::')
  return proto === 'dns' || proto === 'dns4' || proto === 'dns6' || proto === 'dnsaddr'
}
