import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { measurementRecordFromJson } from '@spark-swarm/protocol'
import { rangeLines } from '../threads/lines.js'
import type { RangeMalformed, RecordRange, RecordsBatch, RecordsRead } from './messages.js'
import { columnBuffers, RecordColumnsWriter } from './record-columns.js'

/*
 * A reading thread of `evaluate` (our format): parses the lines of one byte range as the plain
 * path does (evaluate-round.ts), computes each measurement's CID and checks its signature, the
 * work that grows with the round and is the same wherever it runs.
 */

if (!parentPort) throw new Error('worker.ts runs as a worker thread of evaluate')
const port = parentPort
const range = workerData as RecordRange

const BATCH = 8192

function read(): RecordsRead {
  const records = new RecordColumnsWriter(BATCH)
  const send = () => {
    const batch: RecordsBatch = { type: 'batch', columns: records.take() }
    port.postMessage(batch, columnBuffers(batch.columns))
  }
  const malformed: RangeMalformed[] = []
  let verifyMs = 0
  let line = 0
  const lines = rangeLines(range.path, range.start, range.end)
  for (;;) {
    const next = lines.next()
    if (next.done) break
    line++
    const text = next.value
    if (text.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      malformed.push({ line, message: `not valid JSON (${(err as Error).message})` })
      continue
    }
    try {
      const started = range.verify ? performance.now() : 0
      const record = measurementRecordFromJson(value, range)
      if (range.verify) verifyMs += performance.now() - started
      records.push(record.cid, record.measurement, record.signatureValid !== false)
      if (records.length === BATCH) send()
    } catch (err) {
      malformed.push({ line, message: (err as Error).message })
    }
  }
  if (records.length > 0) send()
  return { type: 'done', lines: line, malformed, verifyMs }
}

port.postMessage(read())
port.close()
