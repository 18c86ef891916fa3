import { describe, expect, it } from 'vitest'
import { parseSweep, runResultToCsv, runScenario, runScenarioParallel, runSweep, sweepToCsv, sweepValues } from '../src/index.js'
import { scenario, withoutTiming } from './helpers.js'

describe('runScenarioParallel', () => {
  it('splits rounds over workers and merges to the sequential result', async () => {
    // the workers run the built package (dist/worker.js): `tsc -b` first
    const s = scenario({ rounds: 5, churn: 0.1, messageLoss: 0.02, adversaries: [{ kind: 'always-fail', share: 0.05 }] })
    const parallel = await runScenarioParallel(s, { workers: 2 })
    expect(withoutTiming(parallel)).toEqual(withoutTiming(runScenario(s)))
  })
})

describe('sweeps', () => {
  it('parses path=from:to:step', () => {
    expect(parseSweep('adversaries.0.share=0:0.5:0.05', 3)).toEqual({
      path: 'adversaries.0.share',
      from: 0,
      to: 0.5,
      step: 0.05,
      repetitions: 3,
    })
    expect(sweepValues({ from: 0, to: 0.5, step: 0.05 })).toHaveLength(11)
    expect(sweepValues({ from: 0, to: 0.3, step: 0.1 })).toEqual([0, 0.1, 0.2, 0.3])
    expect(() => parseSweep('share=0:1')).toThrow(/path=from:to:step/)
    expect(() => parseSweep('share=1:0:0.1')).toThrow(/must not be below/)
    expect(() => parseSweep('share=0:1:0')).toThrow(/step/)
  })

  it('runs each point and repetition and reduces them', () => {
    const base = scenario({ nodes: 200, tasksPerRound: 20, rounds: 2, adversaries: [{ kind: 'always-fail', share: 0 }] })
    const sweep = runSweep(base, parseSweep('adversaries.0.share=0:0.6:0.6', 2))
    expect(sweep.points.map((p) => p.value)).toEqual([0, 0.6])
    const [clean, attacked] = sweep.points
    expect(clean?.runs).toHaveLength(2)
    expect(clean?.runs[0]?.scenario.seed).not.toBe(clean?.runs[1]?.scenario.seed)
    expect(clean?.meanError).toEqual({ perRequest: 0, committee: 0, committeeFraction: 0 })
    expect(clean?.meanCaptured).toBe(0)
    expect(attacked?.meanError.perRequest as number).toBeGreaterThan(0.5)
    expect(attacked?.meanError.committee as number).toBeGreaterThan(0.8)
    expect(attacked?.meanCaptured as number).toBeGreaterThan(0.8)
    const csv = sweepToCsv(sweep).trim().split('\n')
    expect(csv[0]).toBe('path,value,method,meanAbsoluteError,meanCaptured,repetitions')
    expect(csv).toHaveLength(1 + 2 * 3)
    expect(csv[1]).toBe('adversaries.0.share,0,perRequest,0,0,2')
  })

  it('refuses a path that does not exist before running anything', () => {
    expect(() => runSweep(scenario(), parseSweep('adversaries.0.share=0:1:0.5'))).toThrow(
      /adversaries does not exist|adversaries\.0 does not exist/,
    )
  })
})

describe('runResultToCsv', () => {
  it('writes one row per provider with empty cells for missing estimates', () => {
    const result = runScenario(scenario({ rounds: 1, minCommitteeSize: 1000, providers: [{ minerId: 'f0,1', successRate: 1 }] }))
    const [header, row, ...rest] = runResultToCsv(result).trim().split('\n')
    expect(header).toBe(
      'minerId,trueRate,perRequest,perRequestLower,perRequestUpper,perRequestSamples,committee,committeeLower,committeeUpper,committeeSamples,' +
        'committeeFraction,committeeFractionLower,committeeFractionUpper,committeeFractionSamples,perRequestError,committeeError,committeeFractionError',
    )
    expect(rest).toEqual([])
    expect(row?.startsWith('"f0,1",1,1,')).toBe(true)
    expect(row).toContain(',,,,0,')
  })
})
