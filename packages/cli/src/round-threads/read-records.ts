import { Worker } from 'node:worker_threads'
import type { MeasurementRecord } from '@spark-swarm/protocol'
import { lineAlignedRanges } from '../threads/byte-ranges.js'
import { nextMessage } from '../threads/next-message.js'
import type { RecordRange, RecordsBatch, RecordsRead } from './messages.js'
import { RecordColumnsReader } from './record-columns.js'

const WORKER = new URL('./worker.js', import.meta.url)

export interface ThreadedRecords {
  /** Rebuilt from columns as they are read: one pass, as `evaluateRound` makes. */
  records: Iterable<MeasurementRecord>
  /** How many records `records` gives. */
  count: number
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
 * for `evaluateRound(…, { signatures: 'checked' })`, and no signature bytes.
 */
export async function readRecordsThreaded(
  path: string,
  { threads, verify }: { threads: number; verify: boolean },
): Promise<ThreadedRecords> {
  const ranges = lineAlignedRanges(path, Math.max(1, threads))
  const started = performance.now()
  const workers = ranges.map(({ start, end }) => new Worker(WORKER, { workerData: { path, start, end, verify } satisfies RecordRange }))
  try {
    // each thread's records, in order, kept as columns until the evaluation reads them: the main
    // thread does next to nothing while the threads read, and on 2 cores they need both
    const parts = workers.map(() => new RecordColumnsReader())
    const take = (k: number) => (batch: RecordsBatch) => (parts[k] as RecordColumnsReader).add(batch.columns)
    const reads = await Promise.all(workers.map((w, k) => nextMessage<RecordsRead, RecordsBatch>(w, 'batch', take(k))))
    const readMs = performance.now() - started
    const records = {
      *[Symbol.iterator]() {
        for (const part of parts) yield* part.records()
      },
    }
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
    return {
      records,
      count: parts.reduce((n, p) => n + p.length, 0),
      malformed,
      readMs,
      verifyMs,
      threads: workers.length,
      lines: lineOffset,
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
