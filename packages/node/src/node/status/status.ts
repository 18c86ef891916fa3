import { type ProtocolParams, type Rate, roundAt, roundStartTime, taskId } from '@spark-swarm/protocol'
import type { AdmissionStatus } from '../admission/own-admission.js'
import type { RoundOutcome } from '../anchor/anchor.js'
import type { LocalFault } from '../health/local-faults.js'
import type { InetGroupSource } from '../inet-group-in-force.js'
import type { ParamsStatus } from '../params-watch.js'

/** One anchored round as the node sees it: what the status page and `/api/status` show. */
export interface RoundStatus {
  round: number
  summaryCid: string
  committees: Array<{
    cid: string
    minerId: string
    size: number
    retrievalResult: string
    /** This node is a member (the task was one of its own). */
    mine: boolean
    /** The committee CID this node attested, when a member. */
    attestedCid: string | null
    /** A strict majority of the members attested the same CID. */
    confirmed: boolean
  }>
  /** Per provider: the three success rates (null without samples) and the per-request sample count. */
  providers: Record<
    string,
    {
      perRequest: number | null
      committee: number | null
      committeeFraction: number | null
      total: number
      /** The 95 % Wilson intervals of the three rates, [lower, upper] (null without samples). */
      intervals?: { perRequest: [number, number] | null; committee: [number, number] | null; committeeFraction: [number, number] | null }
    }
  >
}

/**
 * How others reach the node, from the addresses libp2p announces: its private and loopback
 * addresses always, a public one only once AutoNAT v2 peers dialled it back (or the operator
 * announced it), a relayed one while it holds a reservation on a relay.
 */
export interface Reachability {
  /** How many addresses libp2p announces. */
  listenAddresses: number
  /** Some address is neither loopback nor unspecified: peers elsewhere could dial it. */
  nonLoopback: boolean
  /** Peers connected now. */
  peers: number
  /**
   * `public`: an address peers elsewhere dialled back; `relayed`: through a relay only;
   * `private`: a LAN address only (peers on other networks cannot dial it); `loopback`: this machine only.
   */
  via: 'public' | 'relayed' | 'private' | 'loopback'
  /** The relays this node holds a reservation on (peer ids). */
  relays: string[]
  /** Reservations this node holds for others as a relay; null when it does not relay. */
  relaying: number | null
  /** Relayed connections replaced by direct ones since start (DCUtR or a direct dial). */
  upgraded: number
  /** All of the above in one line, as the status page and `spark-swarm status` print it. */
  summary: string
}

export interface CheckerNodeStatus {
  /** The checker software's version (what the version gate compares). */
  version: string
  /** The /24 group this node signs into its measurements now (`unknown` until learned, spec §5.5); null when not told. */
  inetGroup: string | null
  /** Where it came from: `configured` (`--inet-group`), `observed` (peers agreed on it), `unknown` (not yet). */
  inetGroupSource: InetGroupSource
  reachability: Reachability
  peerId: string
  stationId: string
  network: string
  multiaddrs: string[]
  round: number
  /** Unix ms. */
  roundStartedAt: number
  roundEndsAt: number
  jobsCompleted: number
  peers: number
  /** True once the network said this checker is too old: it then does no work. */
  outdated: boolean
  /** This node's tasks of the current round, with the result of those it checked. */
  tasks: Array<{ cid: string; minerId: string; status: string; retrievalResult: string | null }>
  /** The last anchored rounds, newest first. */
  rounds: RoundStatus[]
  lastAnchored: { round: number; summaryCid: string } | undefined
  /** Gossip validation since start: accepted per kind, rejected and ignored per code. */
  gossip: {
    accepted: Record<string, number>
    rejected: Record<string, number>
    ignored: Record<string, number>
    /** Peers disconnected and refused for now: scored below the graylist threshold. */
    banned: number
  }
  store: { bytes: number; measurements: number }
  /** The local faults set now (spec §5.4), oldest first: while one lasts, results it could cause are withheld. */
  localFaults: LocalFault[]
  /** The params this node runs on, the network's announced change, and whether the two differ now (spec §1.3). */
  params: ParamsStatus
  /** Version 2 (spec §13): this node's participant and whether it is eligible; null in version 1. */
  admission: AdmissionStatus | null
}

/** How many anchored rounds `status()` reports. */
export const STATUS_ROUNDS = 12

/** A round outcome as the status shows it. */
export function roundStatus(outcome: RoundOutcome, isConfirmed: (round: number, id: string, cid: string) => boolean): RoundStatus {
  const mine = new Set(outcome.mine)
  return {
    round: outcome.round,
    summaryCid: outcome.summaryCid,
    committees: outcome.evaluation.committees.map((c) => {
      const id = taskId(c.task)
      const attestedCid = outcome.attested.get(id) ?? null
      return {
        cid: c.task.cid,
        minerId: c.task.minerId,
        size: c.size,
        retrievalResult: c.retrievalResult,
        mine: mine.has(id),
        attestedCid,
        confirmed: attestedCid !== null && isConfirmed(outcome.round, id, attestedCid),
      }
    }),
    providers: Object.fromEntries(
      Object.entries(outcome.evaluation.providers).map(([minerId, s]) => [
        minerId,
        {
          perRequest: s.perRequest.rate,
          committee: s.committee.rate,
          committeeFraction: s.committeeFraction.rate,
          total: s.perRequest.total,
          intervals: { perRequest: bounds(s.perRequest), committee: bounds(s.committee), committeeFraction: bounds(s.committeeFraction) },
        },
      ]),
    ),
  }
}

function bounds(r: Rate): [number, number] | null {
  return r.interval ? [r.interval.lower, r.interval.upper] : null
}

/** The current round's times. */
export function roundTimes(params: ProtocolParams, now: number) {
  const round = roundAt(params, now)
  const roundStartedAt = roundStartTime(params, round)
  return { round, roundStartedAt, roundEndsAt: roundStartedAt + params.roundDurationMs }
}
