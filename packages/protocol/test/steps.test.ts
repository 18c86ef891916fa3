import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  buildRoundSummary,
  buildRoundSummaryInSteps,
  committeeMemberships,
  committeeMembershipsInSteps,
  evaluateRound,
  evaluateRoundInSteps,
  measurementRecord,
  type RoundContext,
  STEP_ITEMS,
  type Steps,
} from '../src/index.js'
import { sortInSteps } from '../src/steps.js'
import { assignedMeasurements, testParams, testRound, testStation, testTasks } from './helpers.js'

/** Drives steps one at a time, as a node does between its other work; the result and the number of yields. */
function drive<T>(steps: Steps<T>): { value: T; yields: number } {
  let yields = 0
  for (;;) {
    const step = steps.next()
    if (step.done) return { value: step.value, yields }
    yields++
  }
}

describe('sortInSteps', () => {
  it("returns exactly what the engine's stable sort returns, ties in input order (property)", () => {
    // few distinct keys, so that most comparisons are ties; lengths across several merge passes
    const item = fc.record({ key: fc.nat(20), id: fc.nat() })
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 * STEP_ITEMS }), (items) => {
        const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key
        expect(drive(sortInSteps(items, byKey)).value).toEqual([...items].sort(byKey))
      }),
      { numRuns: 40 },
    )
  })

  it('leaves its input as it was', () => {
    const items = Array.from({ length: 3 * STEP_ITEMS }, (_, i) => (i * 7919) % 1000)
    const copy = [...items]
    drive(sortInSteps(items, (a, b) => a - b))
    expect(items).toEqual(copy)
  })
})

describe('evaluation in steps', () => {
  // 400 stations × 8 tasks: 3,200 measurements, past several steps and merge passes
  const params = testParams({ maxTasksPerNode: 8, minCommitteeSize: 3 })
  const ctx: RoundContext = testRound(params, testTasks(40, ['f01000', 'f02000', 'f03000']))
  const stations = Array.from({ length: 400 }, (_, i) => testStation(i))
  const measurements = assignedMeasurements(ctx, stations, (_key, task, i) => ({
    // every 7th station shares an inet group (DUP_INET_GROUP), f02000 fails for a third of the stations
    ...(i % 7 === 0 ? { inetGroup: 'inet-shared' } : {}),
    ...(task.minerId === 'f02000' && i % 3 === 0
      ? { statusCode: 502, headStatusCode: 502, byteLength: null, carChecksum: null, firstByteAt: null }
      : {}),
  }))
  // a copy of the same bytes and a measurement of another round: DUPLICATE handling and `dropped`
  const records = [
    ...measurements.map(measurementRecord),
    measurementRecord(measurements[5] as (typeof measurements)[number]),
    measurementRecord({ ...(measurements[9] as (typeof measurements)[number]), round: ctx.round + 1 }),
  ]
  const summaryCtx = { params, seeds: ctx.seeds, catalogueCid: null, previous: null }

  it('evaluateRoundInSteps, driven a step at a time, gives what evaluateRound gives', () => {
    const reference = evaluateRound(ctx, records, { signatures: 'trusted' })
    const { value, yields } = drive(evaluateRoundInSteps(ctx, records, { signatures: 'trusted' }))
    expect(value).toEqual(reference)
    expect(yields).toBeGreaterThan(records.length / STEP_ITEMS)
    // the round is one a reader would check: committees formed, fraud labelled, a record dropped
    expect(reference.committees.length).toBe(40)
    expect(reference.dropped).toEqual([{ cid: records[records.length - 1]?.cid, reason: 'WRONG_ROUND' }])
    expect(reference.measurements.some((m) => m.taskingEvaluation === 'DUP_INET_GROUP')).toBe(true)
  })

  it('buildRoundSummaryInSteps and committeeMembershipsInSteps give the same blocks and members', () => {
    const evaluation = evaluateRound(ctx, records, { signatures: 'trusted' })
    const reference = buildRoundSummary(evaluation, summaryCtx)
    const built = drive(buildRoundSummaryInSteps(evaluation, summaryCtx))
    expect(built.yields).toBeGreaterThan(0)
    expect(built.value.root.cid.toString()).toBe(reference.root.cid.toString())
    expect(built.value.blocks.map((b) => b.cid.toString())).toEqual(reference.blocks.map((b) => b.cid.toString()))
    expect(drive(committeeMembershipsInSteps(evaluation)).value).toEqual(committeeMemberships(evaluation))
  })
})
