import {
  type Catalogue,
  committeeShard,
  deriveRoundSeeds,
  devnet,
  localBeaconRandomness,
  type Measurement,
  type ProtocolParams,
  type RetrievalTask,
  roundStartTime,
  type StationKey,
  sampleRoundTasks,
  sha256,
  stationKeyFromSeed,
  TaskSelector,
} from '@spark-swarm/protocol'
// a test fixture of the fuzz harness, from source: the fuzz package depends on this one
import { okMeasurement } from '../../fuzz/src/round-fixture.js'
import { attestationTopic, type GossipValidationContext, type RoundInfo } from '../src/gossip/index.js'

/*
 * Shared by the gossip tests: a devnet-like network whose round 8 is current (round 7 still in
 * its grace period), with a catalogue larger than a round so that rounds differ in their tasks.
 */

export const CURRENT_ROUND = 8

export const params: ProtocolParams = {
  ...devnet,
  network: 'gossip-test',
  roundDurationMs: 60_000,
  gracePeriodMs: 10_000,
  tasksPerRound: 12,
  maxTasksPerNode: 4,
  committeeShards: 2,
  minCheckerVersion: '0.1.0',
}

export const catalogue: Catalogue = {
  entries: Array.from({ length: 30 }, (_, i) => ({ cid: `bafygossiptesttask${i}`, minerId: `f0${1000 + (i % 3)}` })),
}

export function station(i: number): StationKey {
  return stationKeyFromSeed(sha256(`gossip test station ${i}`))
}

const infos = new Map<number, RoundInfo>()

/** The round's seeds (local beacon chain), tasks and selector, as a node derives them. */
export function roundInfo(round: number): RoundInfo {
  let info = infos.get(round)
  if (!info) {
    const seeds = deriveRoundSeeds(round, localBeaconRandomness((params.randomness as { genesisSeed: string }).genesisSeed, round))
    const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
    info = { seeds, tasks, selector: new TaskSelector(tasks, seeds.nodeSelection) }
    infos.set(round, info)
  }
  return info
}

/** The attestation topic of `task`'s committee in `round` (spec §12.1); `shift` names another shard. */
export function attestationTopicOf(round: number, task: RetrievalTask, shift = 0): string {
  const shard = committeeShard(task, roundInfo(round).seeds.nodeSelection, params.committeeShards)
  return attestationTopic(params, (shard + shift) % params.committeeShards)
}

/** The tasks `key` was assigned in `round`. */
export function assigned(round: number, key: StationKey): RetrievalTask[] {
  return roundInfo(round).selector.pick(key.stationId, params.maxTasksPerNode)
}

/**
 * A node's view: round 5 current, rounds 4 and 5 known, the clock `msIntoRound` into round 5
 * (1 s by default: round 4's grace period still runs).
 */
export function validationContext(
  overrides: { msIntoRound?: number; known?: number[]; currentRound?: number } = {},
): GossipValidationContext {
  const current = overrides.currentRound ?? CURRENT_ROUND
  const known = new Set(overrides.known ?? [current - 1, current])
  const now = roundStartTime(params, current) + (overrides.msIntoRound ?? 1_000)
  return {
    params,
    now: () => now,
    currentRound: current,
    roundInfo: (round) => (known.has(round) ? roundInfo(round) : undefined),
  }
}

/** An OK http measurement, retrievalResult derived unless overridden (the fuzz harness's fixture). */
export function measurement(round: number, key: StationKey, task: RetrievalTask, overrides: Partial<Measurement> = {}): Measurement {
  return okMeasurement(params, round, key, task, overrides)
}

/** A task of the round that `key` was not assigned. */
export function unassignedTask(round: number, key: StationKey): RetrievalTask {
  const mine = new Set(assigned(round, key).map((t) => t.cid))
  const task = roundInfo(round).tasks.find((t) => !mine.has(t.cid))
  if (!task) throw new Error('every task is assigned')
  return task
}

/** The first test station for which `pick` finds something. */
export function findStation<T>(pick: (key: StationKey) => T | undefined): { key: StationKey; found: T } {
  for (let i = 0; i < 500; i++) {
    const k = station(100 + i)
    const found = pick(k)
    if (found !== undefined) return { key: k, found }
  }
  throw new Error('no such station among the first 500')
}
