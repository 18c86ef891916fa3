import { type NetworkInfo, type ProtocolParams, paramsDigest, paramsForRound, upcomingParams } from '@spark-swarm/protocol'
import type { CheckerNodeEvents, TypedEventTarget } from './events.js'

/*
 * Whether this node runs on its network's params (spec §1.3). A node on other params than its
 * peers' derives other tasks and committees, and none of them confirms: before, that went
 * unsaid. At every round the node asks the tracker which params are in force and says so, once,
 * when they differ from its own; whoever runs the node then restarts it on them (`spark-swarm
 * start` does, spec §1.3).
 */

/** Where the network's params come from: the tracker's `GET /v1/network`. */
export interface NetworkSource {
  network(): Promise<NetworkInfo>
}

/** The params part of the node's status. */
export interface ParamsStatus {
  /** The digest of the params this node runs on. */
  paramsDigest: string
  /** The change the network announced and that is still ahead, when there is one. */
  upcoming: { fromRound: number; paramsDigest: string } | null
  /** Set while the network's params for the current round differ from this node's. */
  mismatch: { round: number; paramsDigest: string; announced: boolean } | null
}

export interface ParamsChangedDetail {
  round: number
  /** The digest of the params this node runs on. */
  previousDigest: string
  /** The digest of the network's params in force in `round`. */
  paramsDigest: string
  params: ProtocolParams
  /** The change was announced (the node saw it in `upcoming` before it took effect). */
  announced: boolean
  message: string
}

export interface ParamsWatch {
  /** Asks the network for the params of `round`; emits `params:changed` when they differ from the node's, once per difference. */
  check(round: number): Promise<void>
  status(): ParamsStatus
}

const short = (digest: string) => digest.slice(0, 12)

/** A watch without a source never asks and never reports a mismatch. */
export function createParamsWatch(
  components: { events: TypedEventTarget<CheckerNodeEvents> },
  init: { params: ProtocolParams; source?: NetworkSource },
): ParamsWatch {
  const { events } = components
  const own = paramsDigest(init.params)
  let upcoming: ParamsStatus['upcoming'] = null
  let mismatch: ParamsStatus['mismatch'] = null
  // every announcement seen, by digest: a change that takes effect was announced when it is among them
  const announced = new Set<string>()

  return {
    status: () => ({ paramsDigest: own, upcoming, mismatch }),
    async check(round) {
      if (!init.source) return
      let info: NetworkInfo
      try {
        info = await init.source.network()
      } catch {
        // the version gate already warns that the tracker cannot be reached: the node goes on as it is
        return
      }
      const ahead = upcomingParams(info, round)
      if (ahead && !announced.has(ahead.paramsDigest)) {
        announced.add(ahead.paramsDigest)
        events.emit('activity', {
          level: 'info',
          message: `the network announced new params from round ${ahead.fromRound} (${short(own)} → ${short(ahead.paramsDigest)}); this is round ${round}`,
          code: 'PARAMS_ANNOUNCED',
        })
      }
      upcoming = ahead ? { fromRound: ahead.fromRound, paramsDigest: ahead.paramsDigest } : null
      const inForce = paramsForRound(info, round)
      if (inForce.paramsDigest === own) {
        mismatch = null
        return
      }
      if (mismatch?.paramsDigest === inForce.paramsDigest) return
      const wasAnnounced = announced.has(inForce.paramsDigest)
      mismatch = { round, paramsDigest: inForce.paramsDigest, announced: wasAnnounced }
      const message = wasAnnounced
        ? `the network's params change in round ${round} as announced (${short(own)} → ${short(inForce.paramsDigest)}): ` +
          'this node must run on them to work with its peers'
        : `the network's params (${short(inForce.paramsDigest)}) differ from this node's (${short(own)}) in round ${round}, ` +
          'without an announcement this node saw: its committees will not confirm with its peers until it runs on them'
      events.emit('activity', { level: 'warn', message, code: 'PARAMS_CHANGED' })
      events.emit('params:changed', {
        round,
        previousDigest: own,
        paramsDigest: inForce.paramsDigest,
        params: inForce.params,
        announced: wasAnnounced,
        message,
      })
    },
  }
}
