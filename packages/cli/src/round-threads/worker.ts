import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { type MeasurementRecord, measurementRecordFromJson } from '@spark-swarm/protocol'
import { rangeLines } from '../threads/lines.js'
import type { RangeMalformed, RecordRange, RecordsBatch, RecordsRead } from './messages.js'

/*
 * A reading thread of `evaluate` (our format): parses the lines of one byte range as the plain
 * path does (evaluate-round.ts), computes each measurement's CID and checks its signature, the
 * work that grows with the round and is the same wherever it runs.
 */

if (!parentPort) throw new Error('worker.ts runs as a worker thread of evaluate')
const port = parentPort
const range = workerData as RecordRange

// shared by every record sent: the evaluation never reads signatures once they are judged
const NO_SIGNATURE = new Uint8Array(0)

const BATCH = 8192

function read(): RecordsRead {
  let records: MeasurementRecord[] = []
  let valid: number[] = []
  const send = () => {
    const batch: RecordsBatch = { type: 'batch', records, signatureValid: Uint8Array.from(valid) }
    port.postMessage(batch, [batch.signatureValid.buffer as ArrayBuffer])
    records = []
    valid = []
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
      // no interning here: strings reach the main thread as copies of their own, shared again there
      const started = range.verify ? performance.now() : 0
      const record = measurementRecordFromJson(value, range)
      if (range.verify) verifyMs += performance.now() - started
      records.push({ cid: record.cid, measurement: { ...record.measurement, signature: NO_SIGNATURE } })
      valid.push(record.signatureValid === false ? 0 : 1)
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
