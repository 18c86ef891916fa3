import { describe, expect, it } from 'vitest'
import { runScenario } from '../src/index.js'
import { provider, scenario, withoutTiming } from './helpers.js'

/*
 * The model against closed forms. Every run is seeded, so these are exact regression checks too;
 * tolerances are several standard errors wide so that a change of seed would still pass.
 */

describe('committees', () => {
  it('have N·K/T members on average, and a histogram that adds up', () => {
    const nodes = 400
    const k = 10
    const tasks = 40
    const result = runScenario(scenario({ nodes, maxTasksPerNode: k, tasksPerRound: tasks, rounds: 4 }))
    const expected = (nodes * k) / tasks
    expect(Math.abs(result.committees.meanSize - expected) / expected).toBeLessThan(0.1)
    const sizes = Object.entries(result.committees.sizes)
    expect(sizes.reduce((s, [, n]) => s + n, 0)).toBe(result.committees.total)
    expect(sizes.reduce((s, [size, n]) => s + Number(size) * n, 0)).toBe(result.measurements.valid)
    expect(result.committees.total + result.committees.withoutCommittee).toBe(tasks * 4)
    expect(result.measurements).toEqual({ total: nodes * k * 4, valid: nodes * k * 4, byTasking: { OK: nodes * k * 4 } })
  })

  it('below the minimum size are COMMITTEE_TOO_SMALL and score nothing', () => {
    const result = runScenario(scenario({ nodes: 30, tasksPerRound: 30, maxTasksPerNode: 3, minCommitteeSize: 10, rounds: 2 }))
    expect(result.committees.tooSmall).toBe(result.committees.total)
    expect(provider(result, 'f0100').committee.samples).toBe(0)
    expect(provider(result, 'f0100').error.committee).toBeNull()
    expect(provider(result, 'f0100').perRequest.samples).toBe(result.measurements.valid)
  })
})

describe('honest network', () => {
  const result = runScenario(
    scenario({
      rounds: 10,
      providers: [
        { minerId: 'f01', successRate: 0.95 },
        { minerId: 'f02', successRate: 0.8, failureMix: { HTTP_502: 1, TIMEOUT: 1 } },
        { minerId: 'f03', successRate: 0.3 },
      ],
    }),
  )

  it('per-request and committee-fraction RSR estimate the true rate', () => {
    let inside = 0
    for (const p of result.providers) {
      expect(p.perRequest.samples).toBeGreaterThan(5000)
      expect(p.error.perRequest).toBeLessThan(0.03)
      expect(p.error.committeeFraction).toBeLessThan(0.03)
      if ((p.perRequest.lower as number) <= p.trueRate && p.trueRate <= (p.perRequest.upper as number)) inside++
    }
    expect(inside).toBeGreaterThanOrEqual(2)
  })

  it('committee RSR is 0/1 per committee: 100 % above one half, 0 % below', () => {
    expect(provider(result, 'f01').committee.rate).toBe(1)
    expect(provider(result, 'f02').committee.rate).toBe(1)
    expect(provider(result, 'f03').committee.rate).toBe(0)
    expect(result.committees.capturedByAdversaries).toBe(0)
    expect(result.rewards.adversarial).toBe(0)
  })

  it('excludes codes that do not count toward RSR from the true rate and the estimates', () => {
    const r = runScenario(scenario({ providers: [{ minerId: 'f01', successRate: 0.6, failureMix: { HTTP_502: 1, IPNI_ERROR_503: 1 } }] }))
    const p = provider(r, 'f01')
    expect(p.trueRate).toBeCloseTo(0.6 / 0.8, 12)
    expect(p.error.perRequest).toBeLessThan(0.03)
  })
})

describe('seed claim 1: 1 % of always-failing checkers', () => {
  const base = scenario({ nodes: 1000, tasksPerRound: 50, rounds: 4, providers: [{ minerId: 'f01', successRate: 0.99 }] })
  const honest = provider(runScenario(base), 'f01')
  const attacked = provider(runScenario({ ...base, adversaries: [{ kind: 'always-fail', share: 0.01 }] }), 'f01')

  it('lowers per-request RSR by about one point', () => {
    const drop = (honest.perRequest.rate as number) - (attacked.perRequest.rate as number)
    expect(drop).toBeGreaterThan(0.006)
    expect(drop).toBeLessThan(0.014)
  })

  it('leaves committee RSR at 100 %', () => {
    expect(attacked.committee.rate).toBe(1)
    expect(attacked.committee.samples).toBe(honest.committee.samples)
  })
})

describe('seed claim 2: a provider failing 49 % of requests', () => {
  it('scores near 100 % with very large committees (P(Bin(n, 0.51) > n/2) → 1)', () => {
    // one task a round and 10,000 checkers on it: n = 10,000, P(OK majority) = Φ(2.0) ≈ 0.977
    const result = runScenario({
      seed: 'claim-2',
      nodes: 10_000,
      tasksPerRound: 1,
      maxTasksPerNode: 1,
      minCommitteeSize: 30,
      rounds: 20,
      providers: [{ minerId: 'f01', successRate: 0.51 }],
    })
    const p = provider(result, 'f01')
    expect(result.committees.meanSize).toBe(10_000)
    expect(p.error.perRequest).toBeLessThan(0.01)
    expect(p.committee.rate).toBeGreaterThanOrEqual(0.85)
    expect(p.error.committee).toBeGreaterThan(0.3)
  })

  it('but not with committees of 30: there the majority is a coin flip', () => {
    const p = provider(
      runScenario(
        scenario({ nodes: 300, tasksPerRound: 100, maxTasksPerNode: 10, rounds: 10, providers: [{ minerId: 'f01', successRate: 0.51 }] }),
      ),
      'f01',
    )
    expect(p.committee.rate as number).toBeGreaterThan(0.3)
    expect(p.committee.rate as number).toBeLessThan(0.8)
  })
})

describe('the honest majority breaks near 50 % liars', () => {
  const run = (share: number) =>
    runScenario(scenario({ nodes: 500, tasksPerRound: 50, rounds: 3, adversaries: [{ kind: 'always-fail', share }] }))
  it('holds at 40 % and collapses at 60 %', () => {
    const at40 = run(0.4)
    const at60 = run(0.6)
    expect(provider(at40, 'f0100').committee.rate as number).toBeGreaterThan(0.9)
    expect(provider(at60, 'f0100').committee.rate as number).toBeLessThan(0.1)
    expect(at60.committees.capturedByAdversaries).toBeGreaterThan(0.9 * at60.committees.total)
    expect(at60.rewards.adversarial).toBeGreaterThan(at60.rewards.honest)
    // per-request drops by the liars' share either way
    expect(Math.abs(1 - (provider(at40, 'f0100').perRequest.rate as number) - 0.4)).toBeLessThan(0.02)
  })
})

describe('adversaries', () => {
  it('Sybils in one /24 are capped at K tasks a round by DUP_INET_GROUP / TOO_MANY_TASKS; spread ones are not', () => {
    const rounds = 3
    const base = scenario({ nodes: 500, tasksPerRound: 50, rounds })
    const oneGroup = runScenario({ ...base, adversaries: [{ kind: 'sybil-one-group', share: 0.2 }] })
    const spread = runScenario({ ...base, adversaries: [{ kind: 'sybil-spread', share: 0.2 }] })
    const sybilMeasurements = 100 * 10 * rounds
    const rejected = (oneGroup.measurements.byTasking.DUP_INET_GROUP ?? 0) + (oneGroup.measurements.byTasking.TOO_MANY_TASKS ?? 0)
    expect(rejected).toBe(sybilMeasurements - 10 * rounds)
    expect(oneGroup.measurements.valid).toBe(400 * 10 * rounds + 10 * rounds)
    expect(1 - (provider(oneGroup, 'f0100').perRequest.rate as number)).toBeLessThan(0.005)
    expect(Math.abs(1 - (provider(spread, 'f0100').perRequest.rate as number) - 0.2)).toBeLessThan(0.02)
    expect(spread.measurements.byTasking).toEqual({ OK: 500 * 10 * rounds })
  })

  it('grinding identities land on the target provider and capture some of its committees', () => {
    const result = runScenario(
      scenario({
        nodes: 400,
        tasksPerRound: 40,
        rounds: 3,
        providers: [
          { minerId: 'f01', successRate: 1 },
          { minerId: 'f02', successRate: 1 },
        ],
        adversaries: [{ kind: 'grinding', share: 0.25, identitiesPerRound: 2000, targetMinerId: 'f02' }],
      }),
    )
    expect(result.measurements.byTasking.TASK_WRONG_NODE).toBeUndefined()
    expect(provider(result, 'f01').committee.rate).toBe(1)
    expect(provider(result, 'f01').perRequest.rate).toBe(1)
    expect(provider(result, 'f02').committee.rate as number).toBeLessThan(0.8)
    expect(result.committees.capturedByAdversaries).toBeGreaterThan(0)
  })

  it('always-ok liars inflate per-request RSR but lose the vote on their made-up checksum', () => {
    const result = runScenario(
      scenario({ rounds: 4, providers: [{ minerId: 'f01', successRate: 0.3 }], adversaries: [{ kind: 'always-ok', share: 0.2 }] }),
    )
    const p = provider(result, 'f01')
    expect(Math.abs((p.perRequest.rate as number) - (0.8 * 0.3 + 0.2))).toBeLessThan(0.03)
    expect(p.committee.rate).toBe(0)
    expect(result.rewards.adversarial).toBe(0)
  })

  it('colluders vouch for their provider only', () => {
    const result = runScenario(
      scenario({
        rounds: 4,
        providers: [
          { minerId: 'f01', successRate: 0.2 },
          { minerId: 'f02', successRate: 0.2 },
        ],
        adversaries: [{ kind: 'colluding', share: 0.3, targetMinerId: 'f01' }],
      }),
    )
    expect(Math.abs((provider(result, 'f01').perRequest.rate as number) - (0.7 * 0.2 + 0.3))).toBeLessThan(0.03)
    expect(provider(result, 'f02').error.perRequest).toBeLessThan(0.03)
  })

  it('copiers echo the honest distribution; lazy nodes just report less', () => {
    const copied = runScenario(
      scenario({ rounds: 4, providers: [{ minerId: 'f01', successRate: 0.7 }], adversaries: [{ kind: 'copier', share: 0.3 }] }),
    )
    expect(provider(copied, 'f01').error.perRequest).toBeLessThan(0.03)
    const lazy = runScenario(scenario({ rounds: 2, adversaries: [{ kind: 'lazy', share: 0.5, skipShare: 0.5 }] }))
    expect(Math.abs(lazy.measurements.total / (300 * 10 * 2) - 0.75)).toBeLessThan(0.03)
  })
})

describe('providers and the network', () => {
  it('region-blocked and ghost providers, message loss and churn', () => {
    const result = runScenario(
      scenario({
        rounds: 4,
        churn: 0.1,
        messageLoss: 0.1,
        lateDelivery: 0.1,
        providers: [
          // honest groups are 10.x.y.0/24 with x·256 + y the group index: 10.0. is the first 256 of 300
          { minerId: 'f01', successRate: 1, kind: 'region-blocked', blockedGroups: ['10.0.'] },
          { minerId: 'f02', successRate: 1, kind: 'ghost' },
        ],
      }),
    )
    expect(provider(result, 'f01').trueRate).toBeCloseTo(44 / 300, 12)
    expect(provider(result, 'f01').error.perRequest).toBeLessThan(0.03)
    expect(provider(result, 'f02').trueRate).toBe(0)
    expect(provider(result, 'f02').perRequest.rate).toBe(0)
    expect(Math.abs(result.measurements.valid / result.measurements.total - 0.81)).toBeLessThan(0.02)
  })
})

describe('determinism', () => {
  it('the same seed gives the same result; another seed does not', () => {
    const s = scenario({
      churn: 0.05,
      messageLoss: 0.05,
      adversaries: [
        { kind: 'always-fail', share: 0.1 },
        { kind: 'copier', share: 0.1 },
      ],
    })
    const a = runScenario(s)
    const b = runScenario(s)
    expect(withoutTiming(b)).toEqual(withoutTiming(a))
    expect(JSON.stringify(withoutTiming(b))).toBe(JSON.stringify(withoutTiming(a)))
    const c = runScenario({ ...s, seed: 'other' })
    expect(withoutTiming(c)).not.toEqual(withoutTiming(a))
  })

  it('reports every round to onRound, in order', () => {
    const rounds: number[] = []
    runScenario(scenario({ rounds: 3 }), { onRound: (r) => rounds.push(r.round) })
    expect(rounds).toEqual([0, 1, 2])
  })
})
