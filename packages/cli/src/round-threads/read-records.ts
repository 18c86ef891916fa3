import { Worker } from 'node:worker_threads'
import { createInterner, internMeasurement, type MeasurementRecord } from '@spark-swarm/protocol'
import { lineAlignedRanges } from '../threads/byte-ranges.js'
import { nextMessage } from '../threads/next-message.js'
import type { RecordRange, RecordsBatch, RecordsRead } from './messages.js'

const WORKER = new URL('./worker.js', import.meta.url)

export interface ThreadedRecords {
  records: MeasurementRecord[]
  malformed: Array<{ line: number; reason: 'MALFORMED'; message: string }>
  /** Wall time of the reading threads, and the time they spent in signature checks, summed. */
  readMs: number
  verifyMs: number
  threads: number
  /** Lines in the file, blank ones included. */
  lines: number
}

/**
 * The records of a measurements file read on `threads` threads, each reading one byte range,
 * computing CIDs and (with `verify`) checking signatures: what the plain path does line by line,
 * in the same order, with the same malformed-line messages. Each record carries `signatureValid`
 * for `evaluateRound(…, { signatures: 'checked' })`.
 */
export async function readRecordsThreaded(
  path: string,
  { threads, verify }: { threads: number; verify: boolean },
): Promise<ThreadedRecords> {
  const ranges = lineAlignedRanges(path, Math.max(1, threads))
  const started = performance.now()
  const workers = ranges.map(({ start, end }) => new Worker(WORKER, { workerData: { path, start, end, verify } satisfies RecordRange }))
  try {
    // each thread's records, in order, as its batches arrive
    const parts: MeasurementRecord[][] = workers.map(() => [])
    // a message's strings arrive as copies of their own: share them again, or a round's station
    // ids and CIDs would be held once per measurement
    const intern = createInterner()
    const take = (k: number) => (batch: RecordsBatch) => {
      const part = parts[k] as MeasurementRecord[]
      batch.records.forEach((record, j) => {
        part.push({
          cid: record.cid,
          measurement: internMeasurement(record.measurement, intern),
          signatureValid: batch.signatureValid[j] === 1,
        })
      })
    }
    const reads = await Promise.all(workers.map((w, k) => nextMessage<RecordsRead, RecordsBatch>(w, 'batch', take(k))))
    const readMs = performance.now() - started
    const records = parts.flat()
    const malformed: ThreadedRecords['malformed'] = []
    let lineOffset = 0
    let verifyMs = 0
    for (const read of reads) {
      for (const m of read.malformed) {
        const line = lineOffset + m.line
        malformed.push({ line, reason: 'MALFORMED', message: `line ${line}: ${m.message}` })
      }
      lineOffset += read.lines
      verifyMs += read.verifyMs
    }
    return { records, malformed, readMs, verifyMs, threads: workers.length, lines: lineOffset }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
