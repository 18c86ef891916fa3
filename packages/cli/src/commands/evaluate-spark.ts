import { availableParallelism } from 'node:os'
import { createInterner, ProtocolError, scoreProviders } from '@spark-swarm/protocol'
import {
  evaluateSparkRound,
  type ParticipantMemo,
  parseSparkRound,
  preprocessSparkMeasurement,
  SPARK_REQUIRED_COMMITTEE_SIZE,
  type SparkMeasurement,
  type SparkRound,
} from '@spark-swarm/protocol/spark-compat'
import { CliError } from '../cli-error.js'
import { type NdjsonLine, readNdjson } from '../ndjson.js'
import { readJsonFile } from '../read-json.js'
import { evaluateSparkThreaded } from '../spark-threads/evaluate-threads.js'
import { readable } from '../threads/readable.js'

export interface EvaluateSparkOptions {
  round: string
  summary?: boolean
  minCommitteeSize?: number
  /** Threads reading a file (not stdin) side by side; default one per CPU. */
  threads?: number
}

/**
 * `evaluate --spark-compat`: Spark v1's evaluator on Spark's published NDJSON. The output is one
 * JSON document with Spark's own field names and semantics. A file is read on threads (the same
 * output, see spark-threads/); stdin, and the few files only the plain path reads, line by line.
 */
export async function evaluateSpark(measurementsPath: string, opts: EvaluateSparkOptions): Promise<unknown> {
  // Spark ran in UTC: a published timestamp without an offset is read as UTC time, whatever
  // the machine evaluating it today is set to.
  process.env.TZ = 'UTC'
  let round: ReturnType<typeof parseSparkRound>
  try {
    round = parseSparkRound(await readJsonFile(opts.round, 'round file'))
  } catch (err) {
    if (err instanceof ProtocolError) throw new CliError(`${err.message} (in ${opts.round})`)
    throw err
  }
  const requiredCommitteeSize = opts.minCommitteeSize ?? round.requiredCommitteeSize ?? SPARK_REQUIRED_COMMITTEE_SIZE
  if (measurementsPath !== '-') {
    const threads = opts.threads ?? availableParallelism()
    const threaded = await evaluateSparkThreaded(await readable(measurementsPath), round, {
      requiredCommitteeSize,
      summary: opts.summary,
      threads,
    })
    if (threaded) return threaded
  }
  return evaluateSparkPlain(measurementsPath, round, requiredCommitteeSize, opts.summary)
}

/** The plain path: Spark's steps one line at a time, as `evaluateSparkRound` reads them. */
async function evaluateSparkPlain(
  measurementsPath: string,
  round: SparkRound,
  requiredCommitteeSize: number,
  summary: boolean | undefined,
): Promise<unknown> {
  const valid: SparkMeasurement[] = []
  const intern = createInterner()
  // Spark's address rules once per distinct participant string, not once per line
  const participants: ParticipantMemo = new Map()
  const dropped: Array<{ id: unknown; reason: string }> = []
  const take = (raw: unknown, id: unknown): void => {
    try {
      valid.push(preprocessSparkMeasurement(raw, id, intern, participants))
    } catch (err) {
      dropped.push({ id, reason: (err as Error).message })
    }
  }
  const idOf = (raw: unknown, line: number): unknown => {
    const id = (raw as { id?: unknown } | null)?.id
    return id === undefined ? line : id
  }
  // Spark's parseMeasurements also reads the old format: one line holding a JSON array.
  let pendingArray: { line: number; value: unknown[] } | undefined
  let lines = 0
  const consume = (entry: NdjsonLine): void => {
    if ('error' in entry) dropped.push({ id: entry.line, reason: entry.error })
    else take(entry.value, idOf(entry.value, entry.line))
  }
  for await (const entry of readNdjson(measurementsPath)) {
    lines++
    if (lines === 1 && 'value' in entry && Array.isArray(entry.value)) {
      pendingArray = { line: entry.line, value: entry.value }
      continue
    }
    if (pendingArray) {
      consume({ line: pendingArray.line, value: pendingArray.value })
      pendingArray = undefined
    }
    consume(entry)
  }
  if (pendingArray) {
    for (const [i, raw] of pendingArray.value.entries()) take(raw, idOf(raw, i + 1))
  }

  const evaluation = evaluateSparkRound(round, valid, { requiredCommitteeSize })
  const out: Record<string, unknown> = {
    measurements: evaluation.measurements,
    dropped,
    committees: evaluation.committees,
    providers: evaluation.providers,
  }
  if (summary) {
    const counts = evaluation.committees.map(() => ({}) as Record<string, number>)
    for (const { measurement, committee } of evaluation.members) {
      const c = counts[committee]
      if (c) c[measurement.retrievalResult] = (c[measurement.retrievalResult] ?? 0) + 1
    }
    out.scores = scoreProviders(
      evaluation.committees.map((c, index) => ({ minerId: c.minerId, retrievalResult: c.retrievalResult, counts: counts[index] ?? {} })),
    )
  }
  return out
}
