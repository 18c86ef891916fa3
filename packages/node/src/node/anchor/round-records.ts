import {
  createInterner,
  decodeSignedMeasurement,
  internMeasurement,
  type MeasurementRecord,
  type Steps,
  signedView,
} from '@spark-swarm/protocol'
import type { StoredMeasurement } from '../../store/index.js'

/** Decodings between two yields: about 35 µs each on a loaded core. */
const DECODES_PER_STEP = 64

/** Reads a round's stored measurements page by page, a step per page (one store query each). */
export function* readRoundRows(pages: Iterable<StoredMeasurement[]>): Steps<StoredMeasurement[]> {
  const rows: StoredMeasurement[] = []
  for (const page of pages) {
    for (const row of page) rows.push(row)
    yield
  }
  return rows
}

/**
 * A stored measurement as evaluation reads it. The decoder's objects take 2 KB each, a
 * fixed-shape copy a third of that, and repeated strings are shared between the records.
 */
function recordOf(row: StoredMeasurement, intern: (s: string) => string): MeasurementRecord {
  return { cid: row.cid, measurement: internMeasurement(signedView(decodeSignedMeasurement(row.bytes)), intern) }
}

/**
 * The rows as records decoded one at a time, as evaluation takes them in: the decoded
 * measurements of a round never all live at once, so garbage collections have less to mark.
 */
export function* decodedOneByOne(rows: readonly StoredMeasurement[]): Iterable<MeasurementRecord> {
  const intern = createInterner()
  for (const row of rows) yield recordOf(row, intern)
}

/**
 * Version 2: all the records at once, and the participants they name, whose eligibility the
 * admission snapshot reads before evaluation starts. A step every few dozen decodings.
 */
export function* decodeAll(rows: readonly StoredMeasurement[]): Steps<{ records: MeasurementRecord[]; participants: Set<string> }> {
  const intern = createInterner()
  const records: MeasurementRecord[] = []
  const participants = new Set<string>()
  for (const row of rows) {
    const record = recordOf(row, intern)
    records.push(record)
    if (record.measurement.participant !== undefined) participants.add(record.measurement.participant)
    if (records.length % DECODES_PER_STEP === 0) yield
  }
  return { records, participants }
}
