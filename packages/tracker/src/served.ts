import {
  compareVersions,
  type NetworkInfo,
  networkInfoBody,
  type ParamsSchedule,
  roundAt,
  scheduleAt,
  upcomingParams,
} from '@spark-swarm/protocol'
import type { TrackerConfig } from './config.js'

/*
 * What the tracker serves at a moment: the params in force in the round of that moment, the
 * announcement still ahead, and the gate's minimum, which never falls below the floor of the
 * params in force (spec §1.3). Computed from the config alone, so a test can move the clock.
 */

/** The answers of one moment, each /v1/network body serialised once. */
export interface ServedAt {
  /** The round in force (the identity keys, hence the round clock, never change). */
  round: number
  schedule: ParamsSchedule
  network: NetworkInfo
  networkBody: string
  /** The gate's minimum: the config's, raised to the floor of the params in force. */
  gateMinimum: string
}

/** A config being served, and what it serves at a given time. */
export interface Served {
  config: TrackerConfig
  at(nowMs: number): ServedAt
}

export function serve(config: TrackerConfig): Served {
  const before = answers(config, Number.NEGATIVE_INFINITY)
  const after = config.upcoming ? answers(config, config.upcoming.fromRound) : before
  return {
    config,
    at: (nowMs) => {
      const round = roundAt(config.params, nowMs)
      const from = config.upcoming?.fromRound
      return { ...(from !== undefined && round >= from ? after : before), round }
    },
  }
}

function answers(config: TrackerConfig, round: number): Omit<ServedAt, 'round'> {
  const schedule = scheduleAt(config, round)
  const floor = schedule.params.minCheckerVersion
  const gateMinimum = compareVersions(config.minCheckerVersion, floor) >= 0 ? config.minCheckerVersion : floor
  const network = networkInfoBody(schedule.params, schedule.paramsDigest, config.bootstrap, gateMinimum, upcomingParams(schedule, round))
  return { schedule, network, networkBody: JSON.stringify(network), gateMinimum }
}
