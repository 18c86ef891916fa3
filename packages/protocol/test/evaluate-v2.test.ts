import { secp256k1 } from '@noble/curves/secp256k1.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  evaluateRound,
  type MeasurementRecord,
  measurementRecord,
  ProtocolError,
  participantOfPrivateKey,
  type RoundContext,
  type RoundEvaluation,
  roundStartTime,
  type SignedMeasurement,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
} from '../src/index.js'
import { okMeasurement, testRound, testStation, testTasks } from './helpers.js'
import {
  assignedBound,
  bindingOf,
  boundMeasurement,
  TEST_ADMISSION,
  type TestParticipant,
  tasksOf,
  testParticipant,
  v2Params,
  v2Round,
} from './helpers-v2.js'

// Version-2 evaluation (spec §13.5): bindings, eligibility, tasks and duplicates by participant.
const params = v2Params()
const tasks = testTasks(12, ['f01000', 'f02000', 'f03000'])
const members = Array.from({ length: 8 }, (_, i) => testParticipant(i))
const stations = members.map((_, i) => testStation(100 + i))
const outsider = testParticipant(99)
const ctx = v2Round(params, tasks, members)
const failing = { statusCode: 502, headStatusCode: null, byteLength: null, carChecksum: null, firstByteAt: null }
/** f02000 fails for everyone; the rest succeeds. */
const honest = members.flatMap((p, i) => assignedBound(ctx, stations[i]!, p, (t) => (t.minerId === 'f02000' ? failing : {})))
const records = (ms: SignedMeasurement[]) => ms.map(measurementRecord)
const baseline = evaluateRound(ctx, records(honest))

const labelOf = (r: RoundEvaluation, m: SignedMeasurement) =>
  r.measurements.find((e) => e.cid === measurementRecord(m).cid)?.taskingEvaluation
const labels = (r: RoundEvaluation, ms: SignedMeasurement[]) => ms.map((m) => labelOf(r, m))
const sign = (m: Parameters<typeof signMeasurement>[0], key = stations[0]!) => signMeasurement(m, key)
const flip = (bytes: Uint8Array) => bytes.map((b, i) => (i === 0 ? b ^ 1 : b))
/** A task of the round that `who` was assigned, measured by its own station. */
const ownTask = (who: TestParticipant) => tasksOf(ctx, who)[0]!

describe('version-2 evaluation: inputs', () => {
  it('refuses a version-2 round without an admission snapshot, or with one of another height', () => {
    const { admission, ...bare } = ctx
    const code = (c: RoundContext) => {
      try {
        evaluateRound(c, [])
        return 'evaluated'
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
        return (err as ProtocolError).code
      }
    }
    expect(code(bare)).toBe('ADMISSION_SNAPSHOT_INVALID')
    expect(code({ ...ctx, admission: { height: (admission?.height ?? 0) - 2880, eligible: new Set() } })).toBe('ADMISSION_SNAPSHOT_INVALID')
    expect(code({ ...testRound(params, tasks), params: { ...params, protocolVersion: 1 }, admission })).toBe('ADMISSION_SNAPSHOT_INVALID')
    expect(code(ctx)).toBe('evaluated')
  })

  it('before the chain has a final height nobody is eligible', () => {
    const young = v2Params({ admission: { ...TEST_ADMISSION, chainGenesisTime: roundStartTime(params, ctx.round) } })
    const youngCtx = v2Round(young, tasks, [])
    expect(youngCtx.admission?.height).toBeNull()
    const r = evaluateRound(youngCtx, records(honest))
    expect(new Set(r.measurements.map((e) => e.taskingEvaluation))).toEqual(new Set(['NOT_ELIGIBLE']))
    expect(() => evaluateRound({ ...youngCtx, admission: { height: null, eligible: new Set([members[0]!.address]) } }, [])).toThrow(
      ProtocolError,
    )
  })

  it('keeps verified bindings in a cache the caller passes, for its next rounds, with the same output', () => {
    const cache = new Map<string, boolean>()
    const first = evaluateRound(ctx, records(honest), { bindingCache: cache })
    // one entry per distinct binding: each member's one station
    expect(cache.size).toBe(members.length)
    expect([...cache.values()].every((v) => v)).toBe(true)
    expect(evaluateRound(ctx, records(honest), { bindingCache: cache })).toEqual(first)
    expect(first).toEqual(baseline)
    // a forged entry in the cache is believed: the cache is the caller's own, never a peer's
    const [key] = [...cache.keys()]
    cache.set(key as string, false)
    expect(
      evaluateRound(ctx, records(honest), { bindingCache: cache }).measurements.some((e) => e.taskingEvaluation === 'BINDING_INVALID'),
    ).toBe(true)
  })

  it('names the participant of each measurement; version 1 output has no such key', () => {
    expect(baseline.measurements.every((e) => e.taskingEvaluation === 'OK')).toBe(true)
    const byCid = new Map(honest.map((m) => [measurementRecord(m).cid, m.participant]))
    for (const e of baseline.measurements) expect(e.participant).toBe(byCid.get(e.cid))
    const v1ctx = testRound({ ...params, protocolVersion: 1, admission: undefined }, tasks)
    const v1 = evaluateRound(v1ctx, [measurementRecord(signMeasurement(okMeasurement(v1ctx, stations[0]!, tasks[0]!), stations[0]!))])
    expect(Object.keys(v1.measurements[0]!)).not.toContain('participant')
  })
})

describe('version-2 evaluation: step-1 labels', () => {
  it('INVALID_SIGNATURE: the station signature still comes first, and trusted mode skips it', () => {
    const m = assignedBound(ctx, stations[0]!, members[0]!)[0]!
    const forged = { ...m, signature: flip(m.signature) }
    expect(labelOf(evaluateRound(ctx, records([forged])), forged)).toBe('INVALID_SIGNATURE')
    expect(labelOf(evaluateRound(ctx, records([forged]), { signatures: 'trusted' }), forged)).toBe('OK')
  })

  it('OUTDATED_CLIENT, before the binding is looked at', () => {
    const task = ownTask(members[0]!)
    const outdated = sign(boundMeasurement(ctx, stations[0]!, members[0]!, task, { checkerVersion: '0.0.9' }))
    const outdatedBadBinding = sign(
      boundMeasurement(ctx, stations[0]!, members[0]!, task, { checkerVersion: '0.0.9', bindingSignature: new Uint8Array(65) }),
    )
    expect(labels(evaluateRound(ctx, records([outdated, outdatedBadBinding])), [outdated, outdatedBadBinding])).toEqual([
      'OUTDATED_CLIENT',
      'OUTDATED_CLIENT',
    ])
  })

  it('BINDING_INVALID: another signer, station, network, round, a future binding or no signature at all', () => {
    const [p, other] = [members[0]!, members[1]!]
    const s = stations[0]!
    const task = ownTask(p)
    const net = params.network
    const bad = [
      { bindingSignature: bindingOf(net, p, s.stationId, 0, other) },
      { bindingSignature: bindingOf(net, p, stations[1]!.stationId, 0) },
      { bindingSignature: bindingOf('mainnet', p, s.stationId, 0) },
      { bindingFromRound: 0, bindingSignature: bindingOf(net, p, s.stationId, 1) },
      { bindingFromRound: ctx.round + 1 },
      { bindingSignature: new Uint8Array(65) },
      // a signature of the right participant over the right text, claimed for another participant
      { participant: other.address },
    ].map((o) => sign(boundMeasurement(ctx, s, p, task, o)))
    for (const mode of ['verify', 'trusted'] as const) {
      // one at a time: each alone would be OK without its rule
      for (const m of bad) expect(labelOf(evaluateRound(ctx, records([m]), { signatures: mode }), m)).toBe('BINDING_INVALID')
    }
    // the boundary: a binding from this very round is in force
    const fromNow = sign(boundMeasurement(ctx, s, p, task, { bindingFromRound: ctx.round }))
    expect(labelOf(evaluateRound(ctx, records([fromNow])), fromNow)).toBe('OK')
  })

  it('NOT_ELIGIBLE: a participant the snapshot does not hold, before its binding and any task rule', () => {
    const s = testStation(200)
    const own = assignedBound(ctx, s, outsider)
    const notInRound = sign(boundMeasurement(ctx, s, outsider, { cid: 'bafynotinround', minerId: 'f01000' }), s)
    const badBinding = sign(boundMeasurement(ctx, s, outsider, ownTask(outsider), { bindingSignature: new Uint8Array(65) }), s)
    const r = evaluateRound(ctx, records([...own, notInRound, badBinding]))
    expect(labels(r, own)).toEqual(own.map(() => 'NOT_ELIGIBLE'))
    expect(labelOf(r, notInRound)).toBe('NOT_ELIGIBLE')
    // not eligible comes first: a participant without a deposit costs no signature recovery to refuse
    expect(labelOf(r, badBinding)).toBe('NOT_ELIGIBLE')
    // the same measurements are OK once the snapshot holds the participant, and the bad binding is then BINDING_INVALID
    const admitted = evaluateRound(
      { ...ctx, admission: { ...ctx.admission!, eligible: new Set([outsider.address]) } },
      records([...own, badBinding]),
    )
    expect(labels(admitted, own)).toEqual(own.map(() => 'OK'))
    expect(labelOf(admitted, badBinding)).toBe('BINDING_INVALID')
  })

  it('TASK_NOT_IN_ROUND', () => {
    const m = sign(boundMeasurement(ctx, stations[0]!, members[0]!, { cid: 'bafynotinround', minerId: 'f01000' }))
    expect(labelOf(evaluateRound(ctx, records([m])), m)).toBe('TASK_NOT_IN_ROUND')
  })

  it("TASK_WRONG_NODE: tasks are the participant's, not the station's", () => {
    const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
    const index = members.findIndex((p, i) => {
      const mine = new Set(selector.pick(p.address, params.maxTasksPerNode))
      const station = new Set(selector.pick(stations[i]!.stationId, params.maxTasksPerNode))
      return [...station].some((t) => !mine.has(t)) && [...mine].some((t) => !station.has(t))
    })
    expect(index).toBeGreaterThanOrEqual(0)
    const [p, s] = [members[index]!, stations[index]!]
    const mine = selector.pick(p.address, params.maxTasksPerNode)
    const station = selector.pick(s.stationId, params.maxTasksPerNode)
    const stationsOnly = sign(boundMeasurement(ctx, s, p, station.find((t) => !mine.includes(t))!), s)
    const participantsOnly = sign(boundMeasurement(ctx, s, p, mine.find((t) => !station.includes(t))!), s)
    const r = evaluateRound(ctx, records([stationsOnly, participantsOnly]))
    expect(labels(r, [stationsOnly, participantsOnly])).toEqual(['TASK_WRONG_NODE', 'OK'])
  })
})

describe('version-2 evaluation: one per participant and task', () => {
  it("a participant's measurements from several bound stations count once per task", () => {
    const p = members[0]!
    const extra = [testStation(300), testStation(301)].flatMap((s) => assignedBound(ctx, s, p))
    // and the same station twice for one task, at another time
    const again = sign(boundMeasurement(ctx, stations[0]!, p, ownTask(p), { startAt: 2_000, firstByteAt: 2_050, endAt: 2_100 }))
    const r = evaluateRound(ctx, records([...honest, ...extra, again]))
    const mine = r.measurements.filter((e) => e.participant === p.address)
    expect(mine).toHaveLength(3 * params.maxTasksPerNode + 1)
    for (const task of tasksOf(ctx, p)) {
      const forTask = mine.filter((e) => e.task.cid === task.cid && e.task.minerId === task.minerId).map((e) => e.taskingEvaluation)
      expect(forTask.filter((l) => l === 'OK')).toHaveLength(1)
      expect(forTask.every((l) => l === 'OK' || l === 'DUPLICATE')).toBe(true)
    }
    expect(r.committees.map((c) => [c.task, c.size, c.retrievalResult])).toEqual(
      baseline.committees.map((c) => [c.task, c.size, c.retrievalResult]),
    )
  })

  it("a squatter claiming an honest member's inetGroup silences nobody", () => {
    const group = honest[0]!.inetGroup
    // every other member claims member 0's group; version 1 would keep at most K of their measurements
    const squatted = members.flatMap((p, i) =>
      assignedBound(ctx, stations[i]!, p, (t) => ({ inetGroup: group, ...(t.minerId === 'f02000' ? failing : {}) })),
    )
    const r = evaluateRound(ctx, records(squatted))
    expect(r.measurements.map((e) => e.taskingEvaluation)).toEqual(squatted.map(() => 'OK'))
    // member 0's own measurements are the honest ones, byte for byte, and keep their OK
    const own = honest.filter((m) => m.participant === members[0]!.address)
    expect(squatted.filter((m) => m.participant === members[0]!.address)).toEqual(own)
    expect(labels(r, own)).toEqual(own.map(() => 'OK'))
    expect(r.committees.map((c) => [c.task, c.size, c.counts])).toEqual(baseline.committees.map((c) => [c.task, c.size, c.counts]))
    expect(r.providers).toEqual(baseline.providers)
  })
})

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })

describe('version-2 evaluation: properties', () => {
  it('keys minted after the seed get nothing: fresh participants are NOT_ELIGIBLE and change no committee (property)', () => {
    const groups = [...new Set(honest.map((m) => m.inetGroup))]
    const fresh = fc.record({
      privateKey: key32.filter((k) => secp256k1.utils.isValidSecretKey(k)),
      stationSeed: key32,
      claims: fc.uniqueArray(fc.nat(tasks.length - 1), { minLength: 1, maxLength: 4 }),
      group: fc.constantFrom(...groups, 'elsewhere'),
      fail: fc.boolean(),
      fromRound: fc.nat(ctx.round),
    })
    fc.assert(
      fc.property(fc.array(fresh, { minLength: 1, maxLength: 4 }), (attackers) => {
        const forged = attackers.flatMap((a) => {
          const who = { privateKey: a.privateKey, address: participantOfPrivateKey(a.privateKey) }
          const station = stationKeyFromSeed(a.stationSeed)
          return a.claims.map((t) =>
            signMeasurement(
              boundMeasurement(ctx, station, who, tasks[t]!, {
                inetGroup: a.group,
                bindingFromRound: a.fromRound,
                ...(a.fail ? failing : {}),
              }),
              station,
            ),
          )
        })
        const r = evaluateRound(ctx, records([...honest, ...forged]))
        expect(labels(r, forged)).toEqual(forged.map(() => 'NOT_ELIGIBLE'))
        expect(labels(r, honest)).toEqual(labels(baseline, honest))
        expect(r.committees).toEqual(baseline.committees)
        expect(r.providers).toEqual(baseline.providers)
      }),
      { numRuns: 25 },
    )
  })

  it('neither input order nor repeated records change the output (property)', () => {
    const p = members[0]!
    const s = stations[0]!
    const task = ownTask(p)
    const mixed = [
      ...honest,
      ...assignedBound(ctx, testStation(300), p), // duplicates
      ...assignedBound(ctx, testStation(200), outsider), // not eligible
      sign(boundMeasurement(ctx, s, p, task, { bindingSignature: new Uint8Array(65) })),
      sign(boundMeasurement(ctx, s, p, task, { checkerVersion: '0.0.9' })),
      sign(boundMeasurement(ctx, s, p, { cid: 'bafynotinround', minerId: 'f01000' })),
      sign(boundMeasurement(ctx, s, p, task, { round: ctx.round + 1 })),
      { ...honest[1]!, signature: flip(honest[1]!.signature) },
    ]
    const all = records(mixed)
    const expected = evaluateRound(ctx, all)
    expect(new Set(expected.measurements.map((e) => e.taskingEvaluation)).size).toBeGreaterThanOrEqual(6)
    fc.assert(
      fc.property(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.nat(all.length - 1), { maxLength: 5 }),
        (shuffled: MeasurementRecord[], repeats: number[]) => {
          const input = [...shuffled, ...repeats.map((i) => all[i]!)]
          expect(evaluateRound(ctx, input)).toEqual(expected)
        },
      ),
      { numRuns: 20 },
    )
  })
})
