import type { RecordColumns } from './record-columns.js'

/*
 * What the main thread and a reading thread of `evaluate` (our format) tell each other: a thread
 * reads one byte range, checks each measurement's signature and computes its CID, and sends the
 * records back as columns (record-columns.ts); the main thread evaluates the round.
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

/**
 * Records read so far, in input order (no signature bytes), with their verdicts (all valid
 * without `verify`). A thread sends them in batches while it reads: it never holds a whole range.
 */
export interface RecordsBatch {
  type: 'batch'
  columns: RecordColumns
}

/** A thread's last message: its line count and malformed lines. */
export interface RecordsRead {
  type: 'done'
  lines: number
  malformed: RangeMalformed[]
  /**
   * Time spent checking records when signatures are verified, in ms: the encoding both the CID and
   * the signed digest hash, and the signature (for the report after a large file, and the bench).
   */
  verifyMs: number
}
