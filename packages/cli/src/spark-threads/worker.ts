import { parentPort, workerData } from 'node:worker_threads'
import {
  type ParticipantMemo,
  preprocessSparkMeasurement,
  SPARK_CONSENSUS,
  SPARK_TASKING,
  SparkColumnsBuilder,
} from '@spark-swarm/protocol/spark-compat'
import { rangeLines } from '../threads/lines.js'
import { columnBuffers, compactColumns } from './columns-transfer.js'
import type { RangeRead, RangeStations, RangeText, RangeVerdicts, ReadRange } from './messages.js'

/*
 * A reading thread of `evaluate --spark-compat`: parses and preprocesses the lines of one byte
 * range exactly as the plain path does (evaluate-spark.ts), then prints its measurements once the
 * main thread has evaluated the round.
 */

const range = workerData as ReadRange
if (!parentPort) throw new Error('worker.ts runs as a worker thread of evaluate --spark-compat')
const port = parentPort

/** A dropped line: `id` undefined means "the line number", known only once all ranges are read. */
interface Dropped {
  id: unknown
  line: number
  reason?: string
  jsonError?: string
}

const builder = new SparkColumnsBuilder(range.tasks, 64 * 1024)
const participants: ParticipantMemo = new Map()
// per measurement read: its line's id (undefined: the line number) and that line number
const ids: unknown[] = []
const idLines: number[] = []
const dropped: Dropped[] = []

// station ids not yet sent to the main thread
const stationsSeen = new Set<string>()
let stationsNew: string[] = []
const STATIONS_EVERY = 8192

function read(): RangeRead {
  let line = 0
  let entries = 0
  const lines = rangeLines(range.path, range.start, range.end)
  for (;;) {
    const next = lines.next()
    if (next.done) {
      if (next.value.loneCarriageReturn) return { type: 'plain', why: 'a line ends in a lone carriage return' }
      break
    }
    line++
    const text = next.value
    if (text.trim() === '') continue
    entries++
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (err) {
      dropped.push({ id: undefined, line, jsonError: (err as Error).message })
      continue
    }
    if (range.first && entries === 1 && Array.isArray(raw)) return { type: 'plain', why: "Spark's old format (one JSON array)" }
    const id = (raw as { id?: unknown } | null)?.id
    try {
      // the id is only printed, by this thread, with the line number once it is known
      const m = preprocessSparkMeasurement(raw, id, undefined, participants)
      builder.push(m)
      ids.push(id)
      idLines.push(line)
      if (!stationsSeen.has(m.stationId)) {
        stationsSeen.add(m.stationId)
        stationsNew.push(m.stationId)
      }
      if (ids.length % STATIONS_EVERY === 0 && stationsNew.length > 0) {
        port.postMessage({ type: 'stations', stationIds: stationsNew } satisfies RangeStations)
        stationsNew = []
      }
    } catch (err) {
      dropped.push({ id, line, reason: (err as Error).message })
    }
  }
  return { type: 'read', lines: line, columns: builder.build() }
}

/** Measurements per chunk of output: a thread's whole part at once was three copies of it in memory. */
const PRINT_CHUNK = 8192

function print({ lineOffset, tasking, consensus }: RangeVerdicts, values: unknown[], retrievalResult: Int32Array): RangeText {
  // UTF-8 bytes in buffers of their own (not Buffer's shared pool), moved to the main thread
  // without a copy and written out as they are
  const utf8 = new TextEncoder()
  // what follows a measurement's id, the same text for every measurement with the same result and verdicts
  const tails = new Map<number, string>()
  const chunks: Uint8Array[] = []
  for (let from = 0; from < ids.length; from += PRINT_CHUNK) {
    const to = Math.min(ids.length, from + PRINT_CHUNK)
    const parts = new Array<string>(to - from)
    for (let j = from; j < to; j++) {
      const id = ids[j] === undefined ? lineOffset + (idLines[j] as number) : ids[j]
      const r = retrievalResult[j] as number
      const t = tasking[j] as number
      const c = consensus[j] as number
      // a handful of verdicts each: under 16
      const key = r * 256 + t * 16 + c
      let tail = tails.get(key)
      if (tail === undefined) {
        const label = SPARK_CONSENSUS[c]
        tail =
          `,"retrievalResult":${JSON.stringify(values[r])},"taskingEvaluation":"${SPARK_TASKING[t]}",` +
          `"consensusEvaluation":${label === null ? 'null' : `"${label}"`}}`
        tails.set(key, tail)
      }
      // the plain path's JSON.stringify of {id, retrievalResult, taskingEvaluation, consensusEvaluation}
      // (a finite number's JSON is its String, without JSON.stringify's detour)
      parts[j - from] = `{"id":${typeof id === 'number' && Number.isFinite(id) ? String(id) : JSON.stringify(id)}${tail}`
    }
    chunks.push(utf8.encode(parts.join(',')))
  }
  const droppedParts = dropped.map((d) => {
    const line = lineOffset + d.line
    const reason = d.jsonError !== undefined ? `line ${line}: not valid JSON (${d.jsonError})` : d.reason
    return JSON.stringify({ id: d.id === undefined ? line : d.id, reason })
  })
  return { type: 'text', measurements: chunks, dropped: utf8.encode(droppedParts.join(',')) }
}

const answer = read()
if (answer.type === 'plain') port.postMessage(answer)
else {
  const { values, retrievalResult } = answer.columns
  port.once('message', (verdicts: RangeVerdicts) => {
    const text = print(verdicts, values, retrievalResult)
    port.postMessage(text, [...text.measurements.map((c) => c.buffer as ArrayBuffer), text.dropped.buffer as ArrayBuffer])
    port.close()
  })
  // copies of the columns' filled parts, moved (not copied again) to the main thread
  if (stationsNew.length > 0) port.postMessage({ type: 'stations', stationIds: stationsNew } satisfies RangeStations)
  const columns = compactColumns(answer.columns)
  port.postMessage({ ...answer, columns }, columnBuffers(columns))
}
