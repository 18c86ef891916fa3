import { wilsonInterval } from '@spark-swarm/protocol'
import type { RoundStats } from './round-stats.js'
import type { Estimate, ProviderResult, RunResult, Scenario } from './types.js'
import type { World } from './world.js'

/** A rate with its 95 % Wilson interval over the accumulated counts. */
export function estimate(successes: number, total: number): Estimate {
  const interval = wilsonInterval(successes, total)
  return {
    rate: total > 0 ? successes / total : null,
    lower: interval ? interval.lower : null,
    upper: interval ? interval.upper : null,
    samples: total,
  }
}

const errorOf = (e: Estimate, truth: number) => (e.rate === null ? null : Math.abs(e.rate - truth))

/**
 * Folds per-round stats, in round order, into a run result. Sums are taken in round order
 * whatever thread computed the rounds, so a parallel run equals a sequential one bit for bit.
 */
export function summarize(world: World, scenario: Scenario, rounds: readonly RoundStats[], ms: number): RunResult {
  const sorted = [...rounds].sort((a, b) => a.round - b.round)
  const acc = world.providers.map(() => ({ reqOk: 0, reqTotal: 0, comOk: 0, comTotal: 0, fracSum: 0, fracCount: 0 }))
  const sizes = new Map<number, number>()
  const byTasking: Record<string, number> = {}
  let committees = 0
  let members = 0
  let withoutCommittee = 0
  let tooSmall = 0
  let majorityNotFound = 0
  let captured = 0
  let measurements = 0
  let honest = 0
  let adversarial = 0
  for (const r of sorted) {
    r.providers.forEach((p, i) => {
      const a = acc[i]
      if (!a) return
      a.reqOk += p.reqOk
      a.reqTotal += p.reqTotal
      a.comOk += p.comOk
      a.comTotal += p.comTotal
      a.fracSum += p.fracSum
      a.fracCount += p.fracCount
    })
    for (const [size, n] of Object.entries(r.sizes)) sizes.set(Number(size), (sizes.get(Number(size)) ?? 0) + n)
    for (const [label, n] of Object.entries(r.byTasking)) byTasking[label] = (byTasking[label] ?? 0) + n
    committees += r.committees
    members += r.members
    withoutCommittee += r.withoutCommittee
    tooSmall += r.tooSmall
    majorityNotFound += r.majorityNotFound
    captured += r.captured
    measurements += r.measurements
    honest += r.rewards.honest
    adversarial += r.rewards.adversarial
  }
  const providers: ProviderResult[] = world.providers.map((p, i) => {
    const a = acc[i] as (typeof acc)[number]
    const perRequest = estimate(a.reqOk, a.reqTotal)
    const committee = estimate(a.comOk, a.comTotal)
    const committeeFraction = estimate(a.fracSum, a.fracCount)
    return {
      minerId: p.minerId,
      trueRate: p.trueRate,
      perRequest,
      committee,
      committeeFraction,
      error: {
        perRequest: errorOf(perRequest, p.trueRate),
        committee: errorOf(committee, p.trueRate),
        committeeFraction: errorOf(committeeFraction, p.trueRate),
      },
    }
  })
  return {
    scenario,
    providers,
    committees: {
      total: committees,
      sizes: Object.fromEntries([...sizes.entries()].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n])),
      meanSize: committees > 0 ? members / committees : 0,
      withoutCommittee,
      tooSmall,
      majorityNotFound,
      capturedByAdversaries: captured,
    },
    measurements: {
      total: measurements,
      valid: byTasking.OK ?? 0,
      byTasking: Object.fromEntries(Object.entries(byTasking).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    rewards: { honest, adversarial },
    timing: { ms },
  }
}
