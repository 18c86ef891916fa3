import { Worker } from 'node:worker_threads'
import { scoreProviders, TaskSelector } from '@spark-swarm/protocol'
import {
  concatSparkColumns,
  evaluateSparkColumns,
  type SparkColumns,
  type SparkRound,
  type SparkStationTasks,
  sparkCanonicalTasks,
  sparkStationTasks,
} from '@spark-swarm/protocol/spark-compat'
import { JsonText } from '../json-text.js'
import { lineAlignedRanges } from '../threads/byte-ranges.js'
import { nextMessage } from '../threads/next-message.js'
import type { RangeRead, RangeStations, RangeText, RangeVerdicts, ReadRange } from './messages.js'

const WORKER = new URL('./worker.js', import.meta.url)

export interface ThreadedOptions {
  requiredCommitteeSize: number
  summary?: boolean
  threads: number
}

/**
 * `evaluate --spark-compat` of a file on threads: each reads and preprocesses one byte range,
 * the main thread evaluates the round's columns, each thread prints its measurements. The output
 * is byte for byte the plain path's. Undefined when the file holds something only the plain path
 * reads (Spark's old array format, a lone `\r`): the caller reads it that way.
 */
export async function evaluateSparkThreaded(path: string, round: SparkRound, opts: ThreadedOptions): Promise<JsonText | undefined> {
  const ranges = lineAlignedRanges(path, Math.max(1, opts.threads))
  const workers = ranges.map(
    ({ start, end }, k) => new Worker(WORKER, { workerData: { path, start, end, tasks: round.tasks, first: k === 0 } satisfies ReadRange }),
  )
  // the stations' tasks, picked here while the threads read (this thread would wait otherwise)
  const stationTasks: SparkStationTasks = new Map()
  const selector = new TaskSelector(round.tasks, round.randomness)
  const canonical = sparkCanonicalTasks(round)
  const pick = ({ stationIds }: RangeStations) => {
    for (const id of stationIds) if (!stationTasks.has(id)) stationTasks.set(id, sparkStationTasks(selector, round, canonical, id))
  }
  try {
    const reads = await Promise.all(workers.map((w) => nextMessage<RangeRead, RangeStations>(w, 'stations', pick)))
    if (reads.some((r) => r.type === 'plain')) return undefined
    const parts = reads.map((r) => (r as Extract<RangeRead, { type: 'read' }>).columns)
    const columns = concatSparkColumns(parts)
    const e = evaluateSparkColumns(round, columns, { requiredCommitteeSize: opts.requiredCommitteeSize, stationTasks })
    let lineOffset = 0
    let at = 0
    const texts = workers.map((w, k) => {
      const n = (parts[k] as SparkColumns).length
      const verdicts: RangeVerdicts = { lineOffset, tasking: e.tasking.slice(at, at + n), consensus: e.consensus.slice(at, at + n) }
      lineOffset += (reads[k] as Extract<RangeRead, { type: 'read' }>).lines
      at += n
      const text = nextMessage<RangeText>(w)
      w.postMessage(verdicts, [verdicts.tasking.buffer as ArrayBuffer, verdicts.consensus.buffer as ArrayBuffer])
      return text
    })
    const printed = await Promise.all(texts)
    // the threads' parts of one JSON array, commas between the non-empty ones
    const list = (items: Uint8Array[]) => items.filter((b) => b.length > 0).flatMap((b, j) => (j === 0 ? [b] : [',', b]))
    const chunks: Array<string | Uint8Array> = [
      '{"measurements":[',
      ...list(printed.flatMap((t) => t.measurements)),
      '],"dropped":[',
      ...list(printed.map((t) => t.dropped)),
      `],"committees":${JSON.stringify(e.committees)},"providers":${JSON.stringify(e.providers)}`,
    ]
    if (opts.summary) chunks.push(`,"scores":${JSON.stringify(scoresOf(columns, e))}`)
    chunks.push('}')
    return new JsonText(chunks)
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/** The three scores, from each committee's result counts (as the plain path's --summary). */
function scoresOf(c: SparkColumns, e: ReturnType<typeof evaluateSparkColumns>) {
  const counts = e.committees.map(() => ({}) as Record<string, number>)
  for (let i = 0; i < c.length; i++) {
    const counted = counts[e.committee[i] as number]
    if (!counted) continue
    const result = c.values[c.retrievalResult[i] as number] as string
    counted[result] = (counted[result] ?? 0) + 1
  }
  return scoreProviders(
    e.committees.map((committee, index) => ({
      minerId: committee.minerId,
      retrievalResult: committee.retrievalResult,
      counts: counts[index] ?? {},
    })),
  )
}
