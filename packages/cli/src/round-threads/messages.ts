import type { MeasurementRecord } from '@spark-swarm/protocol'

/*
 * What the main thread and a reading thread of `evaluate` (our format) tell each other: a thread
 * reads one byte range, checks each measurement's signature and computes its CID, and sends the
 * records back; the main thread evaluates the round.
 */

/** `workerData` of a reading thread. */
export interface RecordRange {
  path: string
  start: number
  end: number
  /** False with `--trusted`: signatures are not checked. */
  verify: boolean
}

/** A line that is not a measurement, by its line number within the range. */
export interface RangeMalformed {
  line: number
  /** The reason, without the line: the main thread adds the file's line number. */
  message: string
}

/** A thread's answer: its records in input order (no signature bytes), their verdicts, its malformed lines. */
export interface RecordsRead {
  type: 'records'
  lines: number
  records: MeasurementRecord[]
  /** Per record, 1 when its signature is its station's (all 1 without `verify`). */
  signatureValid: Uint8Array
  malformed: RangeMalformed[]
  /** Time spent verifying signatures, in ms (for `--timings`-style reports and the bench). */
  verifyMs: number
}
