import { Worker } from 'node:worker_threads'
import type { MeasurementRecord } from '@spark-swarm/protocol'
import { lineAlignedRanges } from '../threads/byte-ranges.js'
import { nextMessage } from '../threads/next-message.js'
import type { RecordRange, RecordsRead } from './messages.js'

const WORKER = new URL('./worker.js', import.meta.url)

export interface ThreadedRecords {
  records: MeasurementRecord[]
  malformed: Array<{ line: number; reason: 'MALFORMED'; message: string }>
  /** Wall time of the reading threads, and the time they spent in signature checks, summed. */
  readMs: number
  verifyMs: number
  threads: number
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
    const reads = await Promise.all(workers.map((w) => nextMessage<RecordsRead>(w)))
    const readMs = performance.now() - started
    const records: MeasurementRecord[] = []
    const malformed: ThreadedRecords['malformed'] = []
    let lineOffset = 0
    let verifyMs = 0
    for (const read of reads) {
      read.records.forEach((record, j) => {
        record.signatureValid = read.signatureValid[j] === 1
        records.push(record)
      })
      for (const m of read.malformed) {
        const line = lineOffset + m.line
        malformed.push({ line, reason: 'MALFORMED', message: `line ${line}: ${m.message}` })
      }
      lineOffset += read.lines
      verifyMs += read.verifyMs
    }
    return { records, malformed, readMs, verifyMs, threads: workers.length }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
