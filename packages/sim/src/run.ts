import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { localBeaconRandomness } from '@spark-swarm/protocol'
import { simulateRound } from './round.js'
import type { RoundStats } from './round-stats.js'
import { RunState } from './run-state.js'
import { validateScenario } from './scenario.js'
import { summarize } from './summarize.js'
import type { RunResult, Scenario, ValidatedScenario } from './types.js'
import { buildWorld } from './world.js'

export interface RunOptions {
  /** Called after each round with what it contributed (in round order). */
  onRound?: (stats: RoundStats) => void
}

export interface ParallelRunOptions extends RunOptions {
  /** Worker threads (default: available parallelism, at most the number of rounds). */
  workers?: number
}

/**
 * Simulates rounds `from` (inclusive) to `to` (exclusive) of a validated scenario. Every round
 * depends only on the scenario and its index (beacon chain, churn replay, per-round seeds), so
 * disjoint ranges can run anywhere and merge into the sequential result.
 */
export function runRounds(scenario: ValidatedScenario, from: number, to: number, onRound?: (stats: RoundStats) => void): RoundStats[] {
  const world = buildWorld(scenario)
  const run = new RunState(world)
  const out: RoundStats[] = []
  for (let round = from; round < to; round++) {
    run.population.advanceTo(round)
    const { stats } = simulateRound(world, run, round, localBeaconRandomness(world.genesisSeed, round))
    out.push(stats)
    onRound?.(stats)
  }
  return out
}

/**
 * Runs a scenario in this thread, in virtual time: `scenario.rounds` rounds of task sampling,
 * node task selection, simulated retrievals and adversaries, and the protocol's own evaluation.
 *
 * @example
 * const result = runScenario(scenario, { onRound: (r) => console.log(r.round, r.committees) })
 */
export function runScenario(input: Scenario, { onRound }: RunOptions = {}): RunResult {
  const started = performance.now()
  const scenario = validateScenario(input)
  const rounds = runRounds(scenario, 0, scenario.rounds, onRound)
  return summarize(buildWorld(scenario), scenario, rounds, performance.now() - started)
}

/** The compiled worker next to this module (from `src/`, under a TypeScript test runner, the built one). */
function workerUrl(): URL {
  const here = import.meta.url
  return here.endsWith('.ts') ? new URL('../dist/worker.js', here) : new URL('./worker.js', here)
}

function runInWorker(scenario: ValidatedScenario, from: number, to: number): Promise<RoundStats[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: { scenario, from, to } })
    let result: RoundStats[] | undefined
    worker.once('message', (stats: RoundStats[]) => {
      result = stats
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (result) resolve(result)
      else reject(new Error(`simulator worker for rounds ${from}–${to - 1} exited with code ${code}`))
    })
  })
}

/**
 * Runs a scenario's rounds split over worker threads (contiguous ranges) and merges them in round
 * order: the result equals `runScenario`'s except for `timing`. `onRound` is called after the
 * merge, in round order.
 */
export async function runScenarioParallel(input: Scenario, { workers, onRound }: ParallelRunOptions = {}): Promise<RunResult> {
  const started = performance.now()
  const scenario = validateScenario(input)
  const n = Math.max(1, Math.min(Math.floor(workers ?? availableParallelism()), scenario.rounds))
  const ranges: Array<[number, number]> = []
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * scenario.rounds) / n)
    const to = Math.floor(((i + 1) * scenario.rounds) / n)
    if (to > from) ranges.push([from, to])
  }
  const parts = await Promise.all(ranges.map(([from, to]) => runInWorker(scenario, from, to)))
  const rounds = parts.flat()
  if (onRound) for (const r of rounds) onRound(r)
  return summarize(buildWorld(scenario), scenario, rounds, performance.now() - started)
}
