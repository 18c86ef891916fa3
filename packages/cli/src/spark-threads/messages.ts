import type { SparkColumns } from '@spark-swarm/protocol/spark-compat'

/*
 * What the main thread and a reading thread of `evaluate --spark-compat` tell each other. A thread
 * reads one byte range, keeps what only output needs (ids, drop reasons) and sends columns; the
 * main thread evaluates the whole round and sends each thread back its verdicts to print.
 */

/** `workerData` of a reading thread. */
export interface ReadRange {
  path: string
  start: number
  end: number
  /** The round's tasks, to look each measurement's task up where it is read. */
  tasks: Array<{ cid: string; minerId: string }>
  /** The first range: its first line may be Spark's old format (one JSON array), which only the plain path reads. */
  first: boolean
}

/** Station ids a thread met for the first time, sent while it reads: the main thread picks their tasks meanwhile. */
export interface RangeStations {
  type: 'stations'
  stationIds: string[]
}

/** A thread's answer after reading its range. */
export type RangeRead =
  | { type: 'read'; lines: number; columns: SparkColumns }
  /** The range holds something only the plain path reads the way Spark did (a lone `\r`, the old array format). */
  | { type: 'plain'; why: string }

/** The main thread's verdicts for the measurements of one range, to print. */
export interface RangeVerdicts {
  /** Lines before the range, for the ids and reasons that name a line. */
  lineOffset: number
  tasking: Uint8Array
  consensus: Uint8Array
}

/**
 * A thread's part of the output: its measurements, in chunks, and its dropped lines, as JSON array
 * items in UTF-8 (a chunk holds items separated by commas; none is empty).
 */
export interface RangeText {
  type: 'text'
  measurements: Uint8Array[]
  dropped: Uint8Array
}
