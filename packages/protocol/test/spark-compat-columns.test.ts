import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TaskSelector } from '../src/index.js'
import {
  concatSparkColumns,
  evaluateSparkColumns,
  evaluateSparkRound,
  SPARK_CONSENSUS,
  SPARK_TASKING,
  SparkColumnsBuilder,
  type SparkMeasurement,
  type SparkRound,
} from '../src/spark-compat/index.js'

/*
 * The column path (what `evaluate --spark-compat` runs on threads) against the plain path (Spark's
 * code as it reads), on generated rounds: same verdicts, same committees, same stats, same order.
 */

const station = (n: number) => n.toString(16).padStart(88, '0')

/** A round with duplicate tasks and two tasks of one loose id ("a::b" + "c" and "a" + "b::c"). */
function roundOf(taskCount: number, randomness: string): SparkRound {
  const tasks = Array.from({ length: taskCount }, (_, i) => ({ cid: `bafy${i % 7}`, minerId: `f0${i % 5}` }))
  tasks.push({ cid: 'a::b', minerId: 'c' }, { cid: 'a', minerId: 'b::c' }, { ...(tasks[0] as { cid: string; minerId: string }) })
  return { roundIndex: 1, randomness, maxTasksPerNode: 3, tasks }
}

const measurementArb = fc.record({
  station: fc.nat(12),
  group: fc.nat(5),
  // a task of the station, another round task, or none of the round's
  task: fc.oneof(fc.constant(-1), fc.nat(20), fc.constant(-2)),
  pick: fc.nat(2),
  finished: fc.constantFrom(0, 1, 1, 2, 3, 1000),
  result: fc.constantFrom('OK', 'OK', 'OK', 'TIMEOUT', 'HTTP_502', 'IPNI_ERROR_503', 'IPNI_NO_VALID_ADVERTISEMENT'),
  indexer: fc.constantFrom<unknown>('OK', 'OK', 'HTTP_NOT_ADVERTISED', 7, { x: 1 }),
  provider: fc.constantFrom<unknown>('p1', 'p1', 'p2', null, undefined, 'null', { a: [1] }),
  protocol: fc.constantFrom('http', 'http', 'graphsync', undefined),
  byteLength: fc.constantFrom<unknown>(5, 5, 0, -0, null, undefined, 6, Number.POSITIVE_INFINITY, [1], '5'),
  head: fc.constantFrom<unknown>(200, 204, 404, null, undefined, '200'),
})

/** What a generated measurement is made from. */
interface MeasurementSpec {
  station: number
  group: number
  task: number
  pick: number
  finished: number
  result: string
  indexer: unknown
  provider: unknown
  protocol: string | undefined
  byteLength: unknown
  head: unknown
}

function measurementsOf(round: SparkRound, specs: MeasurementSpec[]): SparkMeasurement[] {
  const selector = new TaskSelector(round.tasks, round.randomness)
  return specs.map((s, id) => {
    const stationId = station(s.station)
    const own = selector.pick(stationId, round.maxTasksPerNode)
    const task =
      s.task === -2
        ? { cid: 'bafynot', minerId: 'f099' }
        : s.task === -1
          ? own[s.pick % own.length]
          : round.tasks[s.task % round.tasks.length]
    return {
      id,
      participantAddress: '0x000000000000000000000000000000000000dEaD',
      retrievalResult: s.result,
      cid: task?.cid,
      minerId: task?.minerId,
      providerId: s.provider,
      spark_version: '1.0.0',
      inet_group: `g${s.group}`,
      finished_at: Date.UTC(2024, 0, 1) + s.finished,
      provider_address: '/dns/x/tcp/443/https',
      protocol: s.protocol,
      byte_length: s.byteLength,
      start_at: undefined,
      first_byte_at: undefined,
      end_at: undefined,
      status_code: 200,
      head_status_code: s.head,
      timeout: false,
      indexerResult: s.indexer,
      stationId,
      carChecksum: null,
      carTooLarge: false,
    }
  })
}

/** The column evaluation in the plain path's shape. */
function fromColumns(round: SparkRound, measurements: SparkMeasurement[], parts: number, requiredCommitteeSize: number) {
  const built = []
  const per = Math.ceil(measurements.length / parts)
  for (let p = 0; p < parts; p++) {
    const builder = new SparkColumnsBuilder(round.tasks, 1)
    for (const m of measurements.slice(p * per, (p + 1) * per)) builder.push(m)
    built.push(builder.build())
  }
  const e = evaluateSparkColumns(round, concatSparkColumns(built), { requiredCommitteeSize })
  return {
    measurements: measurements.map((m, i) => ({
      id: m.id,
      retrievalResult: m.retrievalResult,
      taskingEvaluation: SPARK_TASKING[e.tasking[i] as number],
      consensusEvaluation: SPARK_CONSENSUS[e.consensus[i] as number],
    })),
    committees: e.committees,
    providers: e.providers,
    members: measurements.map((measurement, i) => ({ measurement, committee: e.committee[i] })),
  }
}

describe('evaluateSparkColumns', () => {
  it('gives every generated round the evaluation evaluateSparkRound gives it, however the columns were split', () => {
    fc.assert(
      fc.property(
        fc.array(measurementArb, { maxLength: 120 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('ab'.repeat(32), 'cd'.repeat(32)),
        (specs, taskCount, parts, requiredCommitteeSize, randomness) => {
          const round = roundOf(taskCount, randomness)
          const measurements = measurementsOf(round, specs)
          const plain = evaluateSparkRound(round, measurements, { requiredCommitteeSize })
          // JSON: the CLI prints both, and -0 / 0 print alike
          expect(JSON.stringify(fromColumns(round, measurements, parts, requiredCommitteeSize))).toBe(JSON.stringify(plain))
        },
      ),
      { numRuns: 400 },
    )
  })

  it('labels a busy inet group by its hashed finish times, as the plain path does', () => {
    // 3 stations in one group doing 9 tasks between them: only K = 3 tasks pass
    const round = roundOf(20, 'ab'.repeat(32))
    const specs = Array.from({ length: 9 }, (_, i) => ({
      station: i % 3,
      group: 0,
      task: -1,
      pick: Math.floor(i / 3),
      finished: i,
      result: 'OK',
      indexer: 'OK',
      provider: 'p1',
      protocol: 'http',
      byteLength: 5,
      head: 200,
    }))
    const measurements = measurementsOf(round, specs)
    const columns = fromColumns(round, measurements, 2, 1)
    const verdicts = columns.measurements.map((m) => m.taskingEvaluation)
    expect(verdicts.filter((v) => v === 'OK').length).toBeLessThanOrEqual(3)
    expect(verdicts).toEqual(
      evaluateSparkRound(round, measurements, { requiredCommitteeSize: 1 }).measurements.map((m) => m.taskingEvaluation),
    )
  })
})
