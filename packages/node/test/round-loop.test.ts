import { cidOfDagCbor, cidText, decodeSignedMeasurement, roundStartTime, taskId } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { measurementTopic } from '../src/gossip/index.js'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { createNodeHealth } from '../src/node/health/health.js'
import { LocalFaults } from '../src/node/health/local-faults.js'
import { silentLogger } from '../src/node/logger.js'
import { createOwnChecks } from '../src/node/round/own-check.js'
import { createPublisher } from '../src/node/round/publish.js'
import { DrandUnreachableError } from '../src/node/round/randomness.js'
import { createRoundLoop, type RoundLoop } from '../src/node/round/round-loop.js'
import { createVersionCheck, type VersionGate } from '../src/node/version-gate.js'
import { RetrievalError } from '../src/retrieval/errors.js'
import type { NodeStore } from '../src/store/index.js'
import { FakeClock } from './helpers/fake-clock.js'
import { GENESIS, memoryStore, okFields, params, recordEvents, roundsOf, station } from './helpers/node-fixtures.js'
import { stubPubsub } from './helpers/stub-pubsub.js'

const CHECK_WINDOW = 0.5
const key = station(0)

/** A round loop wired as the node wires it, with a stub checker, gossipsub and anchoring. */
function loopWith(
  options: {
    gate?: VersionGate
    anchorMs?: number
    drandDownFor?: number[]
    clockAheadMs?: number
    bindingFromRound?: number
    /** Version 2: the participant is eligible from this round on, as own admission judges it at a round's start. */
    eligibleFromRound?: number
    /** Version 2: anchoring round 0 fails this many times as a chain read does (RPC_FAILURE). */
    chainFailures?: number
  } = {},
) {
  const clock = new FakeClock(GENESIS + 1)
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const recorded = recordEvents(events, ['measurement:published', 'activity', 'outdated', 'local-fault', 'measurement:withheld'])
  const derived = roundsOf(key)
  // drand cannot be reached at these rounds' starts: their randomness, and so their tasks, are unknown
  const rounds = {
    known: (round: number) => derived.known(round),
    get: async (round: number) => {
      if (options.drandDownFor?.includes(round))
        throw new DrandUnreachableError('http://127.0.0.1:9/public/7', 'fetch failed (ECONNREFUSED)')
      return derived.get(round)
    },
  }
  const store = memoryStore(() => clock.now())
  const pubsub = stubPubsub()
  const checkedAt: Array<{ round: number; id: string; at: number }> = []
  const checker = {
    async check(task: { cid: string; minerId: string }) {
      const round = Math.floor((clock.now() - GENESIS) / params.roundDurationMs)
      checkedAt.push({ round, id: taskId(task), at: clock.now() })
      return { kind: 'measurement' as const, fields: okFields(round), steps: [] }
    },
  }
  const anchored: Array<{ round: number; at: number }> = []
  let chainFailures = options.chainFailures ?? 0
  const publisher = createPublisher({ params, clock, store, pubsub, log: silentLogger })
  const versionCheck = createVersionCheck({ events }, { ...(options.gate ? { gate: options.gate } : {}), checkerVersion: '0.1.0' })
  // an indexer that answers: no local fault, every result is published
  const health = createNodeHealth({
    faults: new LocalFaults(events, () => clock.now()),
    probe: { probe: async () => ({ reachable: true }) },
    indexerUrl: 'http://127.0.0.1:1',
  })
  // own admission as the node's: judged for the round under way, not eligible before `eligibleFromRound`
  const from = options.eligibleFromRound
  const admission =
    from === undefined
      ? undefined
      : {
          status: () => {
            const round = Math.floor((clock.now() - GENESIS) / params.roundDurationMs)
            const eligible = round >= from
            return { participant: `0x${'11'.repeat(20)}`, round, eligible, eligibleFromRound: eligible ? null : from, fundedAtHead: true }
          },
        }
  const ownChecks = createOwnChecks(
    { params, checker, store, publisher, events, stationKey: key, health, ...(admission ? { admission } : {}) },
    {
      entries: new Map(),
      inetGroup: () => 'inet-test',
      checkerVersion: '0.1.0',
      // version 2's binding as own checks read it: only its round matters here
      ...(options.bindingFromRound !== undefined
        ? {
            binding: {
              binding: {
                network: params.network,
                participant: `0x${'11'.repeat(20)}`,
                stationId: key.stationId,
                fromRound: options.bindingFromRound,
              },
              signature: new Uint8Array(65),
            },
          }
        : {}),
    },
  )
  const loop = createRoundLoop(
    {
      params,
      clock,
      rounds,
      store,
      pubsub,
      ownChecks,
      publisher,
      versionCheck,
      events,
      health,
      // the tracker's clock, behind this node's by clockAheadMs (in whole seconds, as a Date header)
      ...(options.clockAheadMs !== undefined
        ? {
            clockSource: {
              clockReading: () => {
                const at = clock.now()
                return { trackerDate: Math.floor((at - (options.clockAheadMs as number)) / 1000) * 1000, sentAt: at, receivedAt: at }
              },
            },
          }
        : {}),
      async anchorRound(round) {
        if (round === 0 && chainFailures-- > 0)
          throw new RetrievalError('RPC_FAILURE', 'Filecoin.StateGetActor: timed out', { meta: { retryable: true } })
        anchored.push({ round, at: clock.now() })
        // a slow disk: anchoring the first round takes this long of virtual time
        if (options.anchorMs && round === 0) await clock.sleep(options.anchorMs)
      },
    },
    { checkWindow: CHECK_WINDOW, tickMs: 1_000, retainRounds: 72 },
  )
  return { clock, events: recorded, rounds: derived, store, pubsub, checkedAt, anchored, loop }
}

describe('round loop', () => {
  let running: { loop: RoundLoop; store: NodeStore } | undefined
  afterEach(async () => {
    await running?.loop.stop()
    running?.store.close()
    running = undefined
  })

  it('makes no measurement before its binding is in force, says so once a round, and records the tasks as done without one', async () => {
    const t = loopWith({ bindingFromRound: 5 })
    running = t
    const info = await t.rounds.get(0)
    t.loop.start()
    const said = () => t.events.of('activity').filter((e) => e.code === 'BINDING_NOT_YET')
    const statuses = () => [...t.store.taskStatus(0).values()].map((s) => s.status)
    await t.clock.runUntil(
      () => statuses().length === info.mine.length && statuses().every((s) => s === 'no-measurement'),
      params.roundDurationMs,
    )
    await t.clock.advanceTo(roundStartTime(params, 0) + (CHECK_WINDOW + 0.1) * params.roundDurationMs)
    expect(t.checkedAt).toEqual([])
    expect(t.events.of('measurement:published')).toEqual([])
    expect(said().map((e) => e.message)).toEqual(["round 0: no measurement, the station's binding holds from round 5 on"])
  })

  it('makes no measurement while its participant is not eligible, says so once a round, and checks from the round it is', async () => {
    const t = loopWith({ eligibleFromRound: 2 })
    running = t
    t.loop.start()
    const said = () => t.events.of('activity').filter((e) => e.code === 'NOT_ELIGIBLE')
    await t.clock.runUntil(() => t.checkedAt.length > 0, 3 * params.roundDurationMs)
    // rounds 0 and 1: every task done without a check, nothing published
    for (const round of [0, 1]) {
      const statuses = [...t.store.taskStatus(round).values()].map((s) => s.status)
      expect(statuses.length > 0 && statuses.every((s) => s === 'no-measurement')).toBe(true)
    }
    expect(t.checkedAt.every((c) => c.round === 2)).toBe(true)
    expect(said().map((e) => e.message)).toEqual(
      [0, 1].map(
        (r) => `round ${r}: no measurement, participant 0x${'11'.repeat(20)} is not eligible in this round, eligible from round 2`,
      ),
    )
    const info = await t.rounds.get(2)
    await t.clock.runUntil(() => t.events.of('measurement:published').length === info.mine.length, params.roundDurationMs)
    expect(t.events.of('measurement:published').every((e) => e.round === 2)).toBe(true)
  })

  it("spreads a round's checks over the check window and publishes each signed measurement on its committee's shard", async () => {
    const t = loopWith()
    running = t
    const info = await t.rounds.get(0)
    expect(info.mine.length).toBeGreaterThan(1)
    t.loop.start()
    await t.clock.runUntil(() => t.events.of('measurement:published').length === info.mine.length, params.roundDurationMs)

    const start = roundStartTime(params, 0)
    const times = t.checkedAt.map((c) => c.at)
    expect(t.checkedAt.map((c) => c.id).sort()).toEqual(info.mine.map(taskId).sort())
    for (const at of times) {
      expect(at).toBeGreaterThan(start)
      expect(at).toBeLessThanOrEqual(start + CHECK_WINDOW * params.roundDurationMs)
    }
    // spread, not bunched: every check at its own time, in order
    expect(new Set(times).size).toBe(times.length)
    expect([...times].sort((a, b) => a - b)).toEqual(times)

    const published = t.events.of('measurement:published')
    expect(t.pubsub.published).toHaveLength(info.mine.length)
    for (const [i, message] of t.pubsub.published.entries()) {
      const m = decodeSignedMeasurement(message.bytes)
      expect(m.stationId).toBe(key.stationId)
      expect(m.round).toBe(0)
      expect(message.topic).toBe(measurementTopic(params, info.shards.get(taskId(m.task)) as number))
      // the bytes published are the ones the CID was computed from
      expect(cidText(cidOfDagCbor(message.bytes))).toBe(published[i]?.cid)
    }
    expect([...t.store.taskStatus(0).values()].map((s) => s.status)).toEqual(info.mine.map(() => 'done'))
    expect(t.store.unpublishedMeasurements()).toEqual([])
  })

  it('anchors a round once, after its grace period', async () => {
    const t = loopWith()
    running = t
    t.loop.start()
    await t.clock.runUntil(() => t.anchored.length >= 1, 3 * params.roundDurationMs)
    expect(t.anchored[0]?.round).toBe(0)
    expect(t.anchored[0]?.at).toBeGreaterThanOrEqual(roundStartTime(params, 1) + params.gracePeriodMs)

    await t.clock.runUntil(() => t.anchored.some((a) => a.round === 1), 2 * params.roundDurationMs)
    expect(t.anchored.filter((a) => a.round === 0)).toHaveLength(1)
  })

  it('anchors a round whose chain read failed on a later tick, saying it once', async () => {
    const t = loopWith({ chainFailures: 3 })
    running = t
    t.loop.start()
    await t.clock.runUntil(() => t.anchored.length >= 1, 3 * params.roundDurationMs)
    expect(t.anchored[0]?.round).toBe(0)
    // three ticks of a second each, still within round 1
    expect(t.anchored[0]?.at).toBeLessThan(roundStartTime(params, 2))
    const said = t.events.of('activity').filter((a) => /round 0: not anchored/.test(a.message))
    expect(said.map((a) => a.message)).toEqual([expect.stringMatching(/retrying while the chain does not answer/)])
  })

  it('starts the next round on time while a slow anchoring is still running', async () => {
    // anchoring round 0 begins at round 1's start + grace and lasts past round 2's start
    const t = loopWith({ anchorMs: 2 * params.roundDurationMs })
    running = t
    t.loop.start()
    await t.clock.runUntil(() => t.checkedAt.some((c) => c.round === 2), 3 * params.roundDurationMs)
    expect(t.anchored).toHaveLength(1)
    // round 2 was derived at its start (to the tick), though round 0's anchoring had not ended
    expect(t.loop.currentRound).toBe(2)
    const firstOfRound2 = Math.min(...t.checkedAt.filter((c) => c.round === 2).map((c) => c.at))
    expect(firstOfRound2).toBeLessThan(roundStartTime(params, 2) + CHECK_WINDOW * params.roundDurationMs)
    expect(t.clock.now()).toBeLessThan(t.anchored[0]!.at + 2 * params.roundDurationMs)
    // and rounds are still anchored one at a time, oldest first
    await t.clock.runUntil(() => t.anchored.length >= 2, 3 * params.roundDurationMs)
    expect(t.anchored.map((a) => a.round).slice(0, 2)).toEqual([0, 1])
    expect(t.anchored[1]!.at).toBeGreaterThanOrEqual(t.anchored[0]!.at + 2 * params.roundDurationMs)
  })

  it('does no work once the version gate says the checker is outdated', async () => {
    const t = loopWith({ gate: { gate: async () => ({ outdated: true, minCheckerVersion: '9.0.0' }) } })
    running = t
    t.loop.start()
    await t.clock.runUntil(() => t.events.of('outdated').length === 1, params.roundDurationMs)
    await t.clock.advanceTo(roundStartTime(params, 3))
    expect(t.checkedAt).toEqual([])
    expect(t.anchored).toEqual([])
    expect(t.pubsub.published).toEqual([])
    expect(t.events.of('outdated')).toHaveLength(1)
  })

  it('without the drand beacon a round is skipped under the local fault DRAND_UNREACHABLE, cleared once a beacon comes', async () => {
    const t = loopWith({ drandDownFor: [0, 1] })
    running = t
    t.loop.start()
    await t.clock.runUntil(() => t.checkedAt.some((c) => c.round === 2), 3 * params.roundDurationMs)
    expect(t.checkedAt.every((c) => c.round === 2)).toBe(true)
    const faults = t.events.of('local-fault')
    expect(faults.map((f) => [f.state, f.code])).toEqual([
      ['set', 'DRAND_UNREACHABLE'],
      ['cleared', 'DRAND_UNREACHABLE'],
    ])
    expect(faults[0]?.message).toBe(
      'round 0 is skipped: the drand beacon cannot be fetched from http://127.0.0.1:9/public/7: fetch failed (ECONNREFUSED)',
    )
    // said as the fault it is, not as a failed check each round
    expect(t.events.of('activity').filter((a) => a.level === 'error')).toEqual([])
  })

  it("a clock far off the tracker's is CLOCK_OFF: every result is withheld, nothing published", async () => {
    const t = loopWith({ clockAheadMs: 60_000 })
    running = t
    const info = await t.rounds.get(0)
    t.loop.start()
    await t.clock.runUntil(() => t.events.of('measurement:withheld').length === info.mine.length, params.roundDurationMs)
    expect(t.events.of('local-fault').map((f) => [f.state, f.code])).toEqual([['set', 'CLOCK_OFF']])
    expect(t.events.of('measurement:withheld').every((w) => w.reason === 'CLOCK_OFF')).toBe(true)
    expect(t.pubsub.published).toEqual([])
    expect([...t.store.taskStatus(0).values()].map((s) => s.status)).toEqual(info.mine.map(() => 'local-fault'))
  })

  it("a clock within a quarter round of the tracker's publishes as usual", async () => {
    const t = loopWith({ clockAheadMs: 0 })
    running = t
    const info = await t.rounds.get(0)
    t.loop.start()
    await t.clock.runUntil(() => t.events.of('measurement:published').length === info.mine.length, params.roundDurationMs)
    expect(t.events.of('local-fault')).toEqual([])
  })

  it('stop() ends the loop and its scheduled checks', async () => {
    const t = loopWith()
    running = t
    t.loop.start()
    await t.clock.runUntil(() => t.checkedAt.length === 1, params.roundDurationMs)
    await t.loop.stop()
    await t.clock.advanceTo(roundStartTime(params, 3))
    expect(t.checkedAt).toHaveLength(1)
    expect(t.anchored).toEqual([])
  })
})
