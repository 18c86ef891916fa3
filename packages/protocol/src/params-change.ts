import * as dagCbor from '@ipld/dag-cbor'
import { bytesEqual } from './bytes.js'
import type { ProtocolParams } from './params.js'

/*
 * Announced changes of a network's params (spec §1.3): the params in force, and the params that
 * take their place from an announced round on. Pure: the tracker decides what it serves and what
 * reload it refuses with these, and a node which params it should be on.
 */

/** A change is announced at least this many rounds before it takes effect. */
export const PARAMS_NOTICE_ROUNDS = 2

/** The keys that make a network what it is (its name, round clock, seeds): they never change. */
export const IDENTITY_KEYS = ['protocolVersion', 'network', 'genesisTime', 'roundDurationMs', 'randomness'] as const

/** An announced change: from round `fromRound` on, `params` are in force. */
export interface UpcomingParams {
  fromRound: number
  params: ProtocolParams
  paramsDigest: string
}

/** The params in force and, when announced, the params that follow them. */
export interface ParamsSchedule {
  params: ProtocolParams
  paramsDigest: string
  upcoming?: UpcomingParams | undefined
}

/** The announcement still ahead at `round`; undefined when there is none or it already took effect. */
export function upcomingParams(schedule: ParamsSchedule, round: number): UpcomingParams | undefined {
  const upcoming = schedule.upcoming
  return upcoming !== undefined && round < upcoming.fromRound ? upcoming : undefined
}

/** The params (and their digest) in force in `round`. */
export function paramsForRound(schedule: ParamsSchedule, round: number): { params: ProtocolParams; paramsDigest: string } {
  const upcoming = schedule.upcoming
  if (upcoming !== undefined && round >= upcoming.fromRound) return { params: upcoming.params, paramsDigest: upcoming.paramsDigest }
  return { params: schedule.params, paramsDigest: schedule.paramsDigest }
}

/** The schedule as seen in `round`: an announcement that took effect is the params in force, no longer upcoming. */
export function scheduleAt(schedule: ParamsSchedule, round: number): ParamsSchedule {
  const inForce = paramsForRound(schedule, round)
  const upcoming = upcomingParams(schedule, round)
  return upcoming ? { ...inForce, upcoming } : inForce
}

/** The identity keys whose values differ between `a` and `b`, in IDENTITY_KEYS order. */
export function changedIdentityKeys(a: ProtocolParams, b: ProtocolParams): string[] {
  // values compared by their canonical encoding: `randomness` is a map whose key order must not matter
  return IDENTITY_KEYS.filter((key) => !bytesEqual(dagCbor.encode(a[key]), dagCbor.encode(b[key])))
}

const short = (digest: string) => digest.slice(0, 12)

/**
 * Why a tracker must refuse to go from schedule `old` to `next` in `round` (the round in force),
 * or undefined when the change is allowed (spec §1.3, checked in this order): an identity key
 * changes; the params in force change; an announcement gives less than PARAMS_NOTICE_ROUNDS
 * notice; a served announcement that is due within the notice window is altered or withdrawn.
 */
export function scheduleChangeProblem(old: ParamsSchedule, next: ParamsSchedule, round: number): string | undefined {
  const was = scheduleAt(old, round)
  const now = scheduleAt(next, round)
  const identity = changedIdentityKeys(was.params, now.params)
  if (now.upcoming) identity.push(...changedIdentityKeys(was.params, now.upcoming.params).filter((k) => !identity.includes(k)))
  if (identity.length > 0) return `changes ${identity.map((k) => `params.${k}`).join(', ')}, which never change: that is another network`
  if (now.paramsDigest !== was.paramsDigest) {
    return (
      `changes the params in force (${short(was.paramsDigest)} → ${short(now.paramsDigest)}) without notice: ` +
      `announce them in "upcoming" with a fromRound of at least ${round + PARAMS_NOTICE_ROUNDS}`
    )
  }
  const before = was.upcoming
  const after = now.upcoming
  const same =
    before !== undefined && after !== undefined && before.fromRound === after.fromRound && before.paramsDigest === after.paramsDigest
  if (same) return undefined
  if (before !== undefined && before.fromRound <= round + PARAMS_NOTICE_ROUNDS) {
    return (
      `${after ? 'alters' : 'withdraws'} the announced change of round ${before.fromRound} (${short(before.paramsDigest)}), ` +
      `which is due within ${PARAMS_NOTICE_ROUNDS} rounds (this is round ${round}): nodes may already act on it`
    )
  }
  if (after !== undefined && after.fromRound < round + PARAMS_NOTICE_ROUNDS) {
    return (
      `announces a change for round ${after.fromRound} with too little notice (this is round ${round}): ` +
      `fromRound must be at least ${round + PARAMS_NOTICE_ROUNDS}`
    )
  }
  return undefined
}
