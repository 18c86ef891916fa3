/*
 * The node store's contract: what it keeps (measurements, round tasks, round states,
 * attestations) and the operations the node uses. `store.ts` implements it on SQLite.
 * Every write is one transaction; when it fails it throws StoreError (STORE_DISK_FULL,
 * DATA_DIR_NOT_WRITABLE, STORE_WRITE_FAILED) and changes nothing.
 */

export type MeasurementOrigin = 'self' | 'peer'
/** `local-fault`: checked, but its result withheld for a fault of the node's own (spec §5.4), so no measurement. */
export type TaskStatus = 'pending' | 'done' | 'no-measurement' | 'local-fault'
export type RoundState = 'checking' | 'evaluated' | 'anchored'

export interface MeasurementRecord {
  /** The measurement CID (protocol §5.2), as a string. */
  cid: string
  round: number
  /** `taskId(task)` = `<cid>::<minerId>`. */
  taskId: string
  stationId: string
  /** The gossip shard (topic index) it travels on. */
  shard: number
  /** Canonical signed DAG-CBOR (`signedBytes`). */
  bytes: Uint8Array
  origin: MeasurementOrigin
  /** Own measurements start unpublished; default false. */
  published?: boolean
  /** Unix ms; the store's clock by default. */
  receivedAt?: number
}

export interface OwnMeasurementRecord {
  round: number
  taskId: string
  cid: string
  stationId: string
  shard: number
  bytes: Uint8Array
  receivedAt?: number
}

export interface UnpublishedMeasurement {
  cid: string
  round: number
  shard: number
  bytes: Uint8Array
}

export interface MeasurementOwner {
  round: number
  taskId: string
  stationId: string
  /** The signed bytes, for what no column holds (a version-2 measurement's participant). */
  bytes: Uint8Array
}

export interface StoredMeasurement {
  cid: string
  bytes: Uint8Array
}

export interface TaskState {
  status: TaskStatus
  measurementCid: string | null
}

export interface RoundRecord {
  round: number
  state: RoundState
  summaryCid: string | null
  /** Unix ms when the round first left `checking`. */
  evaluatedAt: number | null
}

export interface AttestationRecord {
  round: number
  taskId: string
  stationId: string
  committeeCid: string
  bytes: Uint8Array
}

export interface Attestation {
  stationId: string
  committeeCid: string
}

export interface PruneResult {
  measurements: number
  tasks: number
  attestations: number
  rounds: number
}

export interface NodeStore {
  /** The database file. */
  readonly path: string

  /** Stores a measurement; true if it was new, false if its CID was already stored (unchanged). */
  putMeasurement(rec: MeasurementRecord): boolean
  /** `putMeasurement` for many in one transaction (one fsync); returns how many were new. */
  putMeasurements(recs: Iterable<MeasurementRecord>): number
  /**
   * Stores an own measurement (origin self, unpublished) and marks its task done with its CID, in
   * one transaction: after a crash either both happened or neither. True if the measurement was new.
   */
  recordOwnMeasurement(rec: OwnMeasurementRecord): boolean
  /** True if the measurement was stored and not yet marked published. */
  markPublished(cid: string): boolean
  /** Own measurements not yet published, oldest first (`limit` for batches). */
  unpublishedMeasurements(limit?: number): UnpublishedMeasurement[]
  /** All stored measurements of a round (own and peers'), by CID. */
  measurementsOfRound(round: number): StoredMeasurement[]
  /**
   * The same measurements a page at a time (`pageSize` rows, one query per page, in the order they
   * were stored), so that a caller can let other work run between pages. It reads those the round
   * had when the first page was read: measurements stored meanwhile are left for the next reading.
   */
  measurementPagesOfRound(round: number, pageSize?: number): Iterable<StoredMeasurement[]>
  hasMeasurement(cid: string): boolean
  /** Who measured which task in which round, for a stored measurement (catch-up reads a committee block's members). */
  measurementOwner(cid: string): MeasurementOwner | undefined
  countMeasurements(): number

  /** Inserts the round's tasks as pending; tasks already planned keep their status. Returns how many were new. */
  planTasks(round: number, taskIds: Iterable<string>): number
  /** The round's tasks by task id. */
  taskStatus(round: number): Map<string, TaskState>
  /** Sets a task's final status (inserting the task if it was not planned). */
  completeTask(round: number, taskId: string, outcome: { status: Exclude<TaskStatus, 'pending'>; measurementCid?: string | null }): void

  /**
   * Moves a round forward: checking → evaluated → anchored. Never moves back (an older state is
   * ignored), never clears a summary CID. Returns the round as stored after the call.
   */
  setRoundState(round: number, state: RoundState, summaryCid?: string | null): RoundRecord
  roundState(round: number): RoundRecord | undefined
  /** The newest anchored round (before `beforeRound` if given) with its summary CID: the summary's `previous`. */
  lastAnchoredSummary(beforeRound?: number): { round: number; summaryCid: string } | undefined

  /**
   * Stores a committee attestation, replacing the station's earlier one for the same committee
   * (a member that caught up attests again); true if it was new or changed the attested CID.
   */
  putAttestation(rec: AttestationRecord): boolean
  attestationsOf(round: number, taskId: string): Attestation[]

  /**
   * Deletes measurements, tasks and attestations of rounds before `round`, and those rounds' state
   * except the newest anchored one (the next summary's `previous`). Then returns free pages to the OS.
   */
  pruneRoundsBefore(round: number): PruneResult
  /** Size of the database file in bytes (page_count × page_size; the WAL not included). */
  sizeBytes(): number
  /** Closes the database (idempotent); later calls throw. */
  close(): void
}

export interface OpenNodeStoreOptions {
  /** The SQLite file; its directory must exist. `:memory:` for a throwaway store. */
  path: string
  /** Clock for `received_at` and `evaluated_at`, unix ms; `Date.now` by default. */
  now?: () => number
  /**
   * The most the database file may grow to, in bytes (whole pages; never below its current size).
   * Past it a write fails with STORE_DISK_FULL, exactly as on a full disk. Default: no limit.
   */
  maxBytes?: number
}
