import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  buildRoundSummary,
  decodeCommitteeBlock,
  decodeRoundSummary,
  evaluateRound,
  measurementRecord,
  type RoundContext,
  type SignedMeasurement,
  signMeasurement,
  TaskSelector,
} from '../src/index.js'
import { assignedMeasurements, okMeasurement, testParams, testRound, testStation, testTasks } from './helpers.js'

const params = testParams({ maxTasksPerNode: 3, minCommitteeSize: 3 })
const ctx: RoundContext = testRound(params, testTasks(6, ['f01000', 'f02000', 'f03000']))
const stations = Array.from({ length: 20 }, (_, i) => testStation(i))

/** f01000 healthy, f02000 always 502, f03000 succeeds for even stations only. */
const outcome = (_key: unknown, task: { minerId: string }, i: number) =>
  task.minerId === 'f02000' || (task.minerId === 'f03000' && i % 2 === 1)
    ? { statusCode: 502, headStatusCode: null, byteLength: null, carChecksum: null, firstByteAt: null }
    : {}
const honest = assignedMeasurements(ctx, stations, outcome)
const records = (ms: SignedMeasurement[]) => ms.map(measurementRecord)
const summaryCid = (ms: SignedMeasurement[]) =>
  buildRoundSummary(evaluateRound(ctx, records(ms)), { params, seeds: ctx.seeds, catalogueCid: null, previous: null }).root.cid.toString()

describe('evaluateRound', () => {
  const evaluation = evaluateRound(ctx, records(honest))

  it('accepts the honest measurements and finds each provider behaviour', () => {
    expect(evaluation.measurements.every((m) => m.taskingEvaluation === 'OK')).toBe(true)
    for (const c of evaluation.committees) {
      if (c.size < params.minCommitteeSize) continue
      if (c.task.minerId === 'f01000') expect(c.retrievalResult).toBe('OK')
      if (c.task.minerId === 'f02000') expect(c.retrievalResult).toBe('HTTP_502')
    }
    expect(evaluation.providers.f01000?.perRequest.rate).toBe(1)
    expect(evaluation.providers.f02000?.perRequest.rate).toBe(0)
    expect(evaluation.providers.f03000?.perRequest.rate).toBeGreaterThan(0.2)
    expect(evaluation.providers.f03000?.perRequest.rate).toBeLessThan(0.8)
  })

  it('labels fraud: forged signature, outdated client, foreign task, wrong node, duplicate, same inet group', () => {
    const key = stations[0]!
    const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
    const mine = selector.pick(key.stationId, params.maxTasksPerNode)
    const notMine = ctx.tasks.find((t) => !mine.some((m) => m.cid === t.cid && m.minerId === t.minerId))!
    const good = honest.find((m) => m.stationId === key.stationId)!
    const forged = { ...signMeasurement(okMeasurement(ctx, key, mine[0]!, { byteLength: 7 }), key), signature: new Uint8Array(64) }
    const outdated = signMeasurement(okMeasurement(ctx, key, mine[0]!, { checkerVersion: '0.0.1' }), key)
    const foreign = signMeasurement(okMeasurement(ctx, key, { cid: 'bafynotinround', minerId: 'f01000' }), key)
    const wrongNode = signMeasurement(okMeasurement(ctx, key, notMine), key)
    const duplicate = signMeasurement(okMeasurement(ctx, key, good.task, { byteLength: 999 }), key)
    const other = stations[1]!
    const otherTask = selector.pick(other.stationId, params.maxTasksPerNode)[0]!
    const sameGroup = signMeasurement(okMeasurement(ctx, other, otherTask, { inetGroup: 'shared' }), other)
    // another station that was assigned the same task, reporting from the same inet group
    const third = stations.slice(2).find((s) => selector.pick(s.stationId, params.maxTasksPerNode).some((t) => t.cid === otherTask.cid))!
    expect(third).toBeDefined()
    const sameGroupToo = signMeasurement(okMeasurement(ctx, third, otherTask, { inetGroup: 'shared' }), third)
    const labelled = evaluateRound(ctx, records([good, forged, outdated, foreign, wrongNode, duplicate, sameGroup, sameGroupToo]))
    const label = (m: SignedMeasurement) => labelled.measurements.find((e) => e.cid === measurementRecord(m).cid)?.taskingEvaluation
    expect(label(forged)).toBe('INVALID_SIGNATURE')
    expect(label(outdated)).toBe('OUTDATED_CLIENT')
    expect(label(foreign)).toBe('TASK_NOT_IN_ROUND')
    expect(label(wrongNode)).toBe('TASK_WRONG_NODE')
    expect([label(good), label(duplicate)].sort()).toEqual(['DUPLICATE', 'OK'])
    expect([label(sameGroup), label(sameGroupToo)].sort()).toEqual(['DUP_INET_GROUP', 'OK'])
    // nothing but OK measurements reaches a committee
    const inCommittees = labelled.committees.flatMap((c) => c.measurements)
    for (const cid of inCommittees) expect(labelled.measurements.find((m) => m.cid === cid)?.taskingEvaluation).toBe('OK')
  })

  it('drops measurements of another round or network and results that do not match their fields', () => {
    const key = stations[0]!
    const task = honest[0]!.task
    const ms = [
      signMeasurement(okMeasurement(ctx, key, task, { round: ctx.round + 1 }), key),
      signMeasurement(okMeasurement(ctx, key, task, { network: 'mainnet' }), key),
      signMeasurement(okMeasurement(ctx, key, task, { retrievalResult: 'OK', statusCode: 502 }), key),
      signMeasurement(okMeasurement(ctx, key, task, { firstByteAt: 5_000 }), key),
    ]
    const r = evaluateRound(ctx, records(ms))
    expect(r.dropped.map((d) => d.reason).sort()).toEqual(['INVALID_TIMINGS', 'RESULT_MISMATCH', 'WRONG_NETWORK', 'WRONG_ROUND'])
    expect(r.measurements).toHaveLength(0)
  })

  it('counts a liar minority per request but not in the committee result', () => {
    // four stations that check f01000 this round, whatever the round's seed picks
    const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
    const checksF01000 = stations.filter((s) => selector.pick(s.stationId, params.maxTasksPerNode).some((t) => t.minerId === 'f01000'))
    const liars = new Set(checksF01000.slice(0, 4).map((s) => s.stationId))
    expect(liars.size).toBe(4)
    const ms = assignedMeasurements(ctx, stations, (key, task, i) =>
      liars.has(key.stationId)
        ? { statusCode: 502, headStatusCode: null, byteLength: null, carChecksum: null, firstByteAt: null }
        : outcome(key, task, i),
    )
    const r = evaluateRound(ctx, records(ms))
    const healthy = r.providers.f01000!
    expect(healthy.perRequest.rate).toBeLessThan(1)
    const decided = r.committees.filter((c) => c.task.minerId === 'f01000' && c.retrievalMajorityFound)
    expect(decided.every((c) => c.retrievalResult === 'OK')).toBe(true)
  })
})

describe('evaluation invariants', () => {
  it('neither input order nor repeated copies change the results or the summary CID (property)', () => {
    const reference = summaryCid(honest)
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: honest.length, maxLength: honest.length }), fc.nat(honest.length - 1), (keys, dup) => {
        const shuffled = honest
          .map((m, i) => ({ m, k: keys[i] as number }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.m)
        shuffled.push(honest[dup] as SignedMeasurement)
        expect(summaryCid(shuffled)).toBe(reference)
      }),
      { numRuns: 30 },
    )
  })

  it('a changed measurement changes the summary CID', () => {
    const changed = [...honest]
    const key = stations.find((s) => s.stationId === honest[0]!.stationId)!
    changed[0] = signMeasurement({ ...honest[0]!, byteLength: 1 }, key)
    expect(summaryCid(changed)).not.toBe(summaryCid(honest))
  })

  it('trusted mode gives the same result as verify mode on valid input', () => {
    expect(evaluateRound(ctx, records(honest), { signatures: 'trusted' })).toEqual(evaluateRound(ctx, records(honest)))
  })

  it('orders trusted records by an explicit sortKey when given, and refuses a key outside [0, 2^50)', () => {
    const given = records(honest)
    // the reverse of the digest order, as explicit keys
    const byDigest = evaluateRound(ctx, given, { signatures: 'trusted' }).measurements.map((m) => m.cid)
    const keyed = given.map((r) => ({ ...r, sortKey: byDigest.length - byDigest.indexOf(r.cid) }))
    const order = evaluateRound(ctx, keyed, { signatures: 'trusted' }).measurements.map((m) => m.cid)
    expect(order).toEqual([...byDigest].reverse())
    // verify mode reads the CID, whatever the record says
    expect(evaluateRound(ctx, keyed).measurements.map((m) => m.cid)).toEqual(byDigest)
    for (const bad of [-1, 0.5, 2 ** 50]) {
      expect(() => evaluateRound(ctx, [{ ...given[0]!, sortKey: bad }], { signatures: 'trusted' })).toThrow(/sortKey/)
    }
  })
})

describe('round summary', () => {
  it('decodes to what was built: committee blocks linked from the summary, each linking its measurement list', () => {
    const evaluation = evaluateRound(ctx, records(honest))
    const built = buildRoundSummary(evaluation, { params, seeds: ctx.seeds, catalogueCid: null, previous: null })
    const summary = decodeRoundSummary(built.root.bytes)
    expect(summary.round).toBe(ctx.round)
    expect(summary.committees).toHaveLength(evaluation.committees.length)
    expect(built.blocks).toHaveLength(1 + 2 * evaluation.committees.length)
    const byCid = new Map(built.blocks.map((b) => [b.cid.toString(), b]))
    summary.committees.forEach((link, i) => {
      const committee = decodeCommitteeBlock(byCid.get(link.toString())!.bytes)
      expect(committee.task).toEqual(evaluation.committees[i]?.task)
      expect(committee.retrievalResult).toBe(evaluation.committees[i]?.retrievalResult)
      expect(byCid.has(committee.measurements.toString())).toBe(true)
      const key = `${committee.task.cid}::${committee.task.minerId}`
      expect(built.committees.get(key)?.cid.equals(link)).toBe(true)
    })
    const next = buildRoundSummary(evaluation, { params, seeds: ctx.seeds, catalogueCid: null, previous: built.root.cid })
    expect(decodeRoundSummary(next.root.bytes).previous?.equals(built.root.cid)).toBe(true)
    expect(next.root.cid.equals(built.root.cid)).toBe(false)
    // the committee blocks do not depend on the previous link: members attest the same CIDs
    expect([...next.committees.values()].map((b) => b.cid.toString())).toEqual([...built.committees.values()].map((b) => b.cid.toString()))
  })
})
