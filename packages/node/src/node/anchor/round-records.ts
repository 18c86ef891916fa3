import {
  createInterner,
  decodeSignedMeasurement,
  internMeasurement,
  type MeasurementRecord,
  type Steps,
  signedView,
} from '@spark-swarm/protocol'
import type { StoredMeasurement } from '../../store/index.js'

/** What round-end evaluation reads from the store: the rows (their blocks go into the summary), their records, and the participants they name. */
export interface RoundRecords {
  rows: StoredMeasurement[]
  records: MeasurementRecord[]
  /** Version 2: the participants the measurements name, whose eligibility the snapshot reads (none in version 1). */
  participants: Set<string>
}

/** Decodings between two yields: about 35 µs each on a loaded core. */
const DECODES_PER_STEP = 64

/**
 * Decodes a round's stored measurements page by page, in steps: each page is one store query,
 * each step a few dozen decodings. Repeated strings are shared between the records.
 */
export function* readRoundRecords(pages: Iterable<StoredMeasurement[]>): Steps<RoundRecords> {
  const intern = createInterner()
  const rows: StoredMeasurement[] = []
  const records: MeasurementRecord[] = []
  const participants = new Set<string>()
  for (const page of pages) {
    for (const row of page) {
      // the decoder's objects take 2 KB each, a fixed-shape copy a third of that: less for every
      // garbage collection to mark while the round is held
      const measurement = internMeasurement(signedView(decodeSignedMeasurement(row.bytes)), intern)
      rows.push(row)
      records.push({ cid: row.cid, measurement })
      if (measurement.participant !== undefined) participants.add(measurement.participant)
      if (rows.length % DECODES_PER_STEP === 0) yield
    }
    yield
  }
  return { rows, records, participants }
}
