/*
 * Rates of several runs pooled into one estimate per provider: Σ rate·n / Σ n, with the 95 % Wilson
 * interval of the pooled counts. The report's tables and Spark's claims both read these.
 */
import { wilsonInterval } from '@spark-swarm/protocol'
import { mean } from './report-html.js'
import type { Estimate, RunResult } from './types.js'

/** One provider over the repetitions of a point: rates pooled by samples, 95 % Wilson intervals. */
export interface PooledEstimate {
  rate: number | null
  lower: number | null
  upper: number | null
  samples: number
}

export interface ProviderPool {
  minerId: string
  trueRate: number
  perRequest: PooledEstimate
  committee: PooledEstimate
  committeeFraction: PooledEstimate
}

/** Pools estimates of several runs: Σ rate·n / Σ n, with the Wilson interval of the pooled counts. */
export function pool(estimates: readonly Estimate[]): PooledEstimate {
  let successes = 0
  let samples = 0
  for (const e of estimates) {
    if (e.rate === null || !Number.isFinite(e.rate) || e.samples <= 0) continue
    successes += e.rate * e.samples
    samples += e.samples
  }
  if (samples === 0) return { rate: null, lower: null, upper: null, samples: 0 }
  // a single run keeps its own interval (the engine may have computed it from exact counts)
  const only = estimates.filter((e) => e.rate !== null && e.samples > 0)
  if (only.length === 1 && only[0]!.lower !== null && only[0]!.upper !== null) {
    return { rate: only[0]!.rate, lower: only[0]!.lower, upper: only[0]!.upper, samples }
  }
  const interval = wilsonInterval(successes, samples)
  return { rate: successes / samples, lower: interval?.lower ?? null, upper: interval?.upper ?? null, samples }
}

/** Per provider (first-seen order), pooled over the runs. */
export function poolProviders(runs: readonly RunResult[]): ProviderPool[] {
  const byMiner = new Map<string, RunResult['providers']>()
  for (const run of runs) {
    for (const p of run.providers) {
      const list = byMiner.get(p.minerId) ?? []
      list.push(p)
      byMiner.set(p.minerId, list)
    }
  }
  return [...byMiner.entries()].map(([minerId, list]) => ({
    minerId,
    trueRate: mean(list.map((p) => p.trueRate)) ?? Number.NaN,
    perRequest: pool(list.map((p) => p.perRequest)),
    committee: pool(list.map((p) => p.committee)),
    committeeFraction: pool(list.map((p) => p.committeeFraction)),
  }))
}
