import Database from 'better-sqlite3'
import { StoreError, writeError } from './errors.js'
import { migrate } from './schema.js'
import type {
  Attestation,
  AttestationRecord,
  MeasurementOrigin,
  MeasurementOwner,
  MeasurementRecord,
  NodeStore,
  OpenNodeStoreOptions,
  OwnMeasurementRecord,
  PruneResult,
  RoundRecord,
  RoundState,
  StoredMeasurement,
  TaskState,
  TaskStatus,
  UnpublishedMeasurement,
} from './store-types.js'

/*
 * The checker node's persistent state: measurements (its own and its peers'), its round tasks,
 * round states and committee attestations. One SQLite file in WAL mode with synchronous=FULL:
 * a committed transaction survives a killed process (and a power loss); a half-done one vanishes
 * whole. Methods are synchronous (better-sqlite3); each is one transaction. A write that fails
 * (a full disk, an I/O error) throws StoreError STORE_DISK_FULL / STORE_WRITE_FAILED and leaves
 * the database as it was before that transaction.
 */

/**
 * Opens (creating if needed) and migrates the store. Throws StoreError STORE_OPEN_FAILED naming
 * the path when the file cannot be opened or written, STORE_SCHEMA_TOO_NEW for a newer schema.
 * With `maxBytes`, SQLite itself refuses to grow the file past it (`PRAGMA max_page_count`).
 */
export function openNodeStore(options: OpenNodeStoreOptions): NodeStore {
  const { path } = options
  const now = options.now ?? Date.now
  let db: Database.Database | undefined
  try {
    db = new Database(path, { timeout: 5000 })
    // Before any table exists (a no-op afterwards): lets pruning give pages back to the OS.
    db.pragma('auto_vacuum = INCREMENTAL')
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal' && !db.memory) throw new Error(`journal_mode is ${String(mode)}, expected wal`)
    db.pragma('synchronous = FULL')
    migrate(db, path, now)
    if (options.maxBytes !== undefined) limitSize(db, options.maxBytes)
    return new SqliteNodeStore(db, path, now)
  } catch (err) {
    db?.close()
    if (err instanceof StoreError) throw err
    const why = err instanceof Error ? err.message : String(err)
    throw new StoreError(
      'STORE_OPEN_FAILED',
      path,
      `cannot open the node store ${path}: ${why} (its directory must exist and be writable by this user)`,
      { cause: err },
    )
  }
}

/** Caps the file at `maxBytes` (whole pages; never below its current size): beyond it writes fail with SQLITE_FULL. */
function limitSize(db: Database.Database, maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new Error(`maxBytes must be a positive whole number of bytes, got ${maxBytes}`)
  const pageSize = db.pragma('page_size', { simple: true }) as number
  db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / pageSize))}`)
}

const ROUND_STATE_RANK = `CASE %s WHEN 'checking' THEN 0 WHEN 'evaluated' THEN 1 WHEN 'anchored' THEN 2 END`
const rank = (column: string): string => ROUND_STATE_RANK.replace('%s', column)

interface MeasurementRow {
  cid: string
  round: number
  taskId: string
  stationId: string
  shard: number
  bytes: Uint8Array
  origin: MeasurementOrigin
  published: 0 | 1
  receivedAt: number
}

interface RoundRow {
  round: number
  state: RoundState
  summaryCid: string | null
  evaluatedAt: number | null
}

class SqliteNodeStore implements NodeStore {
  readonly path: string
  readonly #db: Database.Database
  readonly #now: () => number

  readonly #insertMeasurement: Database.Statement<MeasurementRow>
  readonly #markPublished: Database.Statement<[string]>
  readonly #unpublished: Database.Statement<[number], { cid: string; round: number; shard: number; bytes: Buffer }>
  readonly #ofRound: Database.Statement<[number], { cid: string; bytes: Buffer }>
  readonly #lastOfRound: Database.Statement<[number], number | null>
  readonly #pageOfRound: Database.Statement<[number, number, number, number], { at: number; cid: string; bytes: Buffer }>
  readonly #hasMeasurement: Database.Statement<[string], number>
  readonly #measurementOwner: Database.Statement<[string], Omit<MeasurementOwner, 'bytes'> & { bytes: Buffer }>
  readonly #countMeasurements: Database.Statement<[], number>
  readonly #planTask: Database.Statement<[number, string]>
  readonly #taskStatus: Database.Statement<[number], { taskId: string; status: TaskStatus; measurementCid: string | null }>
  readonly #completeTask: Database.Statement<[number, string, TaskStatus, string | null]>
  readonly #upsertRound: Database.Statement<RoundRow>
  readonly #roundState: Database.Statement<[number], RoundRow>
  readonly #lastAnchored: Database.Statement<[number], { round: number; summaryCid: string }>
  readonly #insertAttestation: Database.Statement<[number, string, string, string, Uint8Array]>
  readonly #attestationsOf: Database.Statement<[number, string], Attestation>
  readonly #pruneMeasurements: Database.Statement<[number]>
  readonly #pruneTasks: Database.Statement<[number]>
  readonly #pruneAttestations: Database.Statement<[number]>
  readonly #pruneRounds: Database.Statement<{ round: number }>
  readonly #incrementalVacuum: Database.Statement<[]>
  readonly #size: Database.Statement<[], number>

  readonly #putMeasurements: (recs: Iterable<MeasurementRecord>) => number
  readonly #recordOwn: (rec: OwnMeasurementRecord) => boolean
  readonly #planTasks: (round: number, taskIds: Iterable<string>) => number
  readonly #setRoundState: (row: RoundRow) => RoundRecord
  readonly #prune: (round: number) => PruneResult

  // Over 80 lines on purpose: one prepared statement per query and one transaction per write,
  // each a readonly field, prepared once here so that a typo in SQL fails at open, not mid-round.
  // Split into helpers, the fields could no longer be readonly and the SQL would be scattered.
  constructor(db: Database.Database, path: string, now: () => number) {
    this.#db = db
    this.path = path
    this.#now = now

    this.#insertMeasurement = db.prepare(
      `INSERT INTO measurements (cid, round, task_id, station_id, shard, bytes, origin, published, received_at)
       VALUES (@cid, @round, @taskId, @stationId, @shard, @bytes, @origin, @published, @receivedAt)
       ON CONFLICT (cid) DO NOTHING`,
    )
    this.#markPublished = db.prepare('UPDATE measurements SET published = 1 WHERE cid = ? AND published = 0')
    this.#unpublished = db.prepare(
      `SELECT cid, round, shard, bytes FROM measurements
       WHERE origin = 'self' AND published = 0 ORDER BY received_at, rowid LIMIT ?`,
    )
    this.#ofRound = db.prepare('SELECT cid, bytes FROM measurements WHERE round = ? ORDER BY cid')
    // pages by rowid: a range of the (round, rowid) index, where pages by CID would sort the round each time
    this.#lastOfRound = db.prepare<[number], number | null>('SELECT max(rowid) FROM measurements WHERE round = ?').pluck()
    this.#pageOfRound = db.prepare(
      'SELECT rowid AS at, cid, bytes FROM measurements WHERE round = ? AND rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?',
    )
    this.#hasMeasurement = db.prepare<[string], number>('SELECT 1 FROM measurements WHERE cid = ?').pluck()
    this.#measurementOwner = db.prepare('SELECT round, task_id AS taskId, station_id AS stationId, bytes FROM measurements WHERE cid = ?')
    this.#countMeasurements = db.prepare<[], number>('SELECT count(*) FROM measurements').pluck()

    this.#planTask = db.prepare(`INSERT INTO tasks (round, task_id, status) VALUES (?, ?, 'pending') ON CONFLICT DO NOTHING`)
    this.#taskStatus = db.prepare(
      'SELECT task_id AS taskId, status, measurement_cid AS measurementCid FROM tasks WHERE round = ? ORDER BY task_id',
    )
    this.#completeTask = db.prepare(
      `INSERT INTO tasks (round, task_id, status, measurement_cid) VALUES (?, ?, ?, ?)
       ON CONFLICT (round, task_id) DO UPDATE SET status = excluded.status, measurement_cid = excluded.measurement_cid`,
    )

    this.#upsertRound = db.prepare(
      `INSERT INTO rounds (round, state, summary_cid, evaluated_at) VALUES (@round, @state, @summaryCid, @evaluatedAt)
       ON CONFLICT (round) DO UPDATE SET
         state = CASE WHEN ${rank('excluded.state')} > ${rank('rounds.state')} THEN excluded.state ELSE rounds.state END,
         summary_cid = coalesce(excluded.summary_cid, rounds.summary_cid),
         evaluated_at = coalesce(rounds.evaluated_at, excluded.evaluated_at)`,
    )
    this.#roundState = db.prepare('SELECT round, state, summary_cid AS summaryCid, evaluated_at AS evaluatedAt FROM rounds WHERE round = ?')
    this.#lastAnchored = db.prepare(
      `SELECT round, summary_cid AS summaryCid FROM rounds
       WHERE state = 'anchored' AND summary_cid IS NOT NULL AND round < ? ORDER BY round DESC LIMIT 1`,
    )

    this.#insertAttestation = db.prepare(
      // a member that caught up attests again: its latest committee CID replaces the earlier one
      `INSERT INTO attestations (round, task_id, station_id, committee_cid, bytes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (round, task_id, station_id) DO UPDATE SET committee_cid = excluded.committee_cid, bytes = excluded.bytes
       WHERE attestations.committee_cid IS NOT excluded.committee_cid`,
    )
    this.#attestationsOf = db.prepare(
      'SELECT station_id AS stationId, committee_cid AS committeeCid FROM attestations WHERE round = ? AND task_id = ? ORDER BY station_id',
    )

    this.#pruneMeasurements = db.prepare('DELETE FROM measurements WHERE round < ?')
    this.#pruneTasks = db.prepare('DELETE FROM tasks WHERE round < ?')
    this.#pruneAttestations = db.prepare('DELETE FROM attestations WHERE round < ?')
    this.#pruneRounds = db.prepare(
      `DELETE FROM rounds WHERE round < @round AND round IS NOT (
         SELECT max(round) FROM rounds WHERE state = 'anchored' AND summary_cid IS NOT NULL AND round < @round)`,
    )
    this.#incrementalVacuum = db.prepare('PRAGMA incremental_vacuum')
    this.#size = db.prepare<[], number>('SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()').pluck()

    this.#putMeasurements = db.transaction((recs: Iterable<MeasurementRecord>) => {
      let added = 0
      for (const rec of recs) if (this.#insert(rec)) added++
      return added
    })
    this.#recordOwn = db.transaction((rec: OwnMeasurementRecord) => {
      const added = this.#insert({ ...rec, origin: 'self', published: false })
      this.#completeTask.run(rec.round, rec.taskId, 'done', rec.cid)
      return added
    })
    this.#planTasks = db.transaction((round: number, taskIds: Iterable<string>) => {
      let added = 0
      for (const taskId of taskIds) added += this.#planTask.run(round, taskId).changes
      return added
    })
    this.#setRoundState = db.transaction((row: RoundRow) => {
      this.#upsertRound.run(row)
      return this.#roundState.get(row.round) as RoundRow
    })
    this.#prune = db.transaction((round: number) => ({
      measurements: this.#pruneMeasurements.run(round).changes,
      tasks: this.#pruneTasks.run(round).changes,
      attestations: this.#pruneAttestations.run(round).changes,
      rounds: this.#pruneRounds.run({ round }).changes,
    }))
  }

  #insert(rec: MeasurementRecord): boolean {
    const row: MeasurementRow = {
      cid: rec.cid,
      round: rec.round,
      taskId: rec.taskId,
      stationId: rec.stationId,
      shard: rec.shard,
      bytes: rec.bytes,
      origin: rec.origin,
      published: rec.published === true ? 1 : 0,
      receivedAt: rec.receivedAt ?? this.#now(),
    }
    return this.#insertMeasurement.run(row).changes === 1
  }

  /** Runs one write transaction; a failure becomes a StoreError saying what was not written and why. */
  #write<T>(what: () => string, run: () => T): T {
    try {
      return run()
    } catch (err) {
      throw writeError(err, this.path, what())
    }
  }

  putMeasurement(rec: MeasurementRecord): boolean {
    return this.#write(
      () => `the measurement ${rec.cid}`,
      () => this.#insert(rec),
    )
  }

  putMeasurements(recs: Iterable<MeasurementRecord>): number {
    return this.#write(
      () => 'a batch of measurements',
      () => this.#putMeasurements(recs),
    )
  }

  recordOwnMeasurement(rec: OwnMeasurementRecord): boolean {
    return this.#write(
      () => `the measurement ${rec.cid} of round ${rec.round}`,
      () => this.#recordOwn(rec),
    )
  }

  markPublished(cid: string): boolean {
    return this.#write(
      () => `the publication of ${cid}`,
      () => this.#markPublished.run(cid).changes === 1,
    )
  }

  unpublishedMeasurements(limit = -1): UnpublishedMeasurement[] {
    return this.#unpublished.all(limit).map((r) => ({ cid: r.cid, round: r.round, shard: r.shard, bytes: asUint8Array(r.bytes) }))
  }

  measurementsOfRound(round: number): StoredMeasurement[] {
    return this.#ofRound.all(round).map((r) => ({ cid: r.cid, bytes: asUint8Array(r.bytes) }))
  }

  *measurementPagesOfRound(round: number, pageSize = 250): Iterable<StoredMeasurement[]> {
    const last = this.#lastOfRound.get(round)
    if (last === null || last === undefined) return
    let after = Number.MIN_SAFE_INTEGER
    for (;;) {
      const rows = this.#pageOfRound.all(round, after, last, pageSize)
      if (rows.length === 0) return
      after = (rows[rows.length - 1] as { at: number }).at
      yield packed(rows)
      if (rows.length < pageSize) return
    }
  }

  hasMeasurement(cid: string): boolean {
    return this.#hasMeasurement.get(cid) !== undefined
  }

  measurementOwner(cid: string): MeasurementOwner | undefined {
    const owner = this.#measurementOwner.get(cid)
    return owner && { ...owner, bytes: asUint8Array(owner.bytes) }
  }

  countMeasurements(): number {
    return this.#countMeasurements.get() ?? 0
  }

  planTasks(round: number, taskIds: Iterable<string>): number {
    return this.#write(
      () => `the tasks of round ${round}`,
      () => this.#planTasks(round, taskIds),
    )
  }

  taskStatus(round: number): Map<string, TaskState> {
    const tasks = new Map<string, TaskState>()
    for (const r of this.#taskStatus.all(round)) tasks.set(r.taskId, { status: r.status, measurementCid: r.measurementCid })
    return tasks
  }

  completeTask(round: number, taskId: string, outcome: { status: Exclude<TaskStatus, 'pending'>; measurementCid?: string | null }): void {
    this.#write(
      () => `the status of task ${taskId} of round ${round}`,
      () => this.#completeTask.run(round, taskId, outcome.status, outcome.measurementCid ?? null),
    )
  }

  setRoundState(round: number, state: RoundState, summaryCid?: string | null): RoundRecord {
    return this.#write(
      () => `the state of round ${round}`,
      () => this.#setRoundState({ round, state, summaryCid: summaryCid ?? null, evaluatedAt: state === 'checking' ? null : this.#now() }),
    )
  }

  roundState(round: number): RoundRecord | undefined {
    return this.#roundState.get(round)
  }

  lastAnchoredSummary(beforeRound = Number.MAX_SAFE_INTEGER): { round: number; summaryCid: string } | undefined {
    return this.#lastAnchored.get(beforeRound)
  }

  putAttestation(rec: AttestationRecord): boolean {
    return this.#write(
      () => `the attestation of round ${rec.round} by ${rec.stationId}`,
      () => this.#insertAttestation.run(rec.round, rec.taskId, rec.stationId, rec.committeeCid, rec.bytes).changes === 1,
    )
  }

  attestationsOf(round: number, taskId: string): Attestation[] {
    return this.#attestationsOf.all(round, taskId)
  }

  pruneRoundsBefore(round: number): PruneResult {
    return this.#write(
      () => `the pruning of rounds before ${round}`,
      () => {
        const result = this.#prune(round)
        if (result.measurements + result.tasks + result.attestations + result.rounds > 0) this.#incrementalVacuum.run()
        return result
      },
    )
  }

  sizeBytes(): number {
    return this.#size.get() ?? 0
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}

/** better-sqlite3 returns BLOBs as Buffers; callers get plain Uint8Arrays (same memory, no copy). */
/**
 * A page's rows with their bytes copied into one buffer: SQLite gives each blob a buffer of its own,
 * and a quarter of a million of them is work for every garbage collection while a round is held.
 */
function packed(rows: Array<{ cid: string; bytes: Buffer }>): StoredMeasurement[] {
  let length = 0
  for (const r of rows) length += r.bytes.byteLength
  const all = new Uint8Array(length)
  let at = 0
  return rows.map((r) => {
    const bytes = all.subarray(at, at + r.bytes.byteLength)
    bytes.set(r.bytes)
    at += r.bytes.byteLength
    return { cid: r.cid, bytes }
  })
}

function asUint8Array(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}
