import type { Database } from 'better-sqlite3'
import { StoreError } from './errors.js'

/*
 * The store's schema and its migrations. `MIGRATIONS[i]` takes the database from version i to
 * version i + 1; a released migration is never edited, a change is a new entry. Tables are STRICT
 * (SQLite ≥ 3.37): a value of the wrong type is an error, not silently stored.
 */

const V1 = `
CREATE TABLE measurements (
  cid         TEXT    PRIMARY KEY,
  round       INTEGER NOT NULL CHECK (round >= 0),
  task_id     TEXT    NOT NULL,            -- '<cid>::<minerId>'
  station_id  TEXT    NOT NULL,
  shard       INTEGER NOT NULL CHECK (shard >= 0),
  bytes       BLOB    NOT NULL,            -- canonical signed DAG-CBOR (protocol §5.2)
  origin      TEXT    NOT NULL CHECK (origin IN ('self', 'peer')),
  published   INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
  received_at INTEGER NOT NULL             -- unix ms
) STRICT;
CREATE INDEX measurements_by_round ON measurements (round);
CREATE INDEX measurements_unpublished ON measurements (received_at) WHERE origin = 'self' AND published = 0;

CREATE TABLE tasks (
  round           INTEGER NOT NULL CHECK (round >= 0),
  task_id         TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'done', 'no-measurement')),
  measurement_cid TEXT,
  PRIMARY KEY (round, task_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE rounds (
  round        INTEGER PRIMARY KEY CHECK (round >= 0),
  state        TEXT    NOT NULL CHECK (state IN ('checking', 'evaluated', 'anchored')),
  summary_cid  TEXT,
  evaluated_at INTEGER                     -- unix ms
) STRICT;

CREATE TABLE attestations (
  round         INTEGER NOT NULL CHECK (round >= 0),
  task_id       TEXT    NOT NULL,
  station_id    TEXT    NOT NULL,
  committee_cid TEXT    NOT NULL,
  bytes         BLOB    NOT NULL,
  PRIMARY KEY (round, task_id, station_id)
) STRICT, WITHOUT ROWID;
`

/*
 * V2: a task may end as `local-fault`: its check's result was withheld because a fault of the node's
 * own could have caused it (spec §5.4). SQLite cannot change a CHECK constraint in place, so the
 * table is rebuilt with its rows (the documented way: create, copy, drop, rename), inside the
 * migration's one transaction.
 */
const V2 = `
CREATE TABLE tasks_v2 (
  round           INTEGER NOT NULL CHECK (round >= 0),
  task_id         TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'done', 'no-measurement', 'local-fault')),
  measurement_cid TEXT,
  PRIMARY KEY (round, task_id)
) STRICT, WITHOUT ROWID;
INSERT INTO tasks_v2 (round, task_id, status, measurement_cid) SELECT round, task_id, status, measurement_cid FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_v2 RENAME TO tasks;
`

export const MIGRATIONS: readonly string[] = [V1, V2]

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Brings the database to SCHEMA_VERSION. All pending migrations run in one IMMEDIATE transaction
 * that re-reads the version, so two processes opening a new database at once cannot both migrate.
 */
export function migrate(db: Database, path: string, now: () => number): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT')
  const readVersion = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_version')
  const record = db.prepare<[number, number]>('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)')
  db.transaction(() => {
    const current = readVersion.get()?.version ?? 0
    if (current > SCHEMA_VERSION) {
      throw new StoreError(
        'STORE_SCHEMA_TOO_NEW',
        path,
        `the store ${path} has schema version ${current}, written by a newer node; this node reads up to version ${SCHEMA_VERSION}: upgrade the node`,
      )
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version - 1] as string)
      record.run(version, now())
    }
  }).immediate()
}
