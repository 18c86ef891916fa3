import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openNodeStore } from '../src/store/index.js'
import { MIGRATIONS } from '../src/store/schema.js'

/*
 * A data dir written by a node of schema version 1 (before `local-fault` tasks), opened by this
 * node: migrated to version 2 in place, every row kept, and a withheld task can be recorded.
 */

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-store-migration-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A node.sqlite exactly as a version-1 node leaves it: its schema, its version row, some rows of each table. */
function writeV1(path: string): void {
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT')
    db.exec(MIGRATIONS[0] as string)
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (1, 500)').run()
    db.prepare(
      `INSERT INTO measurements (cid, round, task_id, station_id, shard, bytes, origin, published, received_at)
       VALUES ('bafy-m1', 7, 'bafy-t1::f01', 'st', 0, x'a5', 'self', 1, 900)`,
    ).run()
    const task = db.prepare('INSERT INTO tasks (round, task_id, status, measurement_cid) VALUES (?, ?, ?, ?)')
    task.run(7, 'bafy-t1::f01', 'done', 'bafy-m1')
    task.run(7, 'bafy-t2::f02', 'no-measurement', null)
    task.run(8, 'bafy-t1::f01', 'pending', null)
    db.prepare(`INSERT INTO rounds (round, state, summary_cid, evaluated_at) VALUES (7, 'anchored', 'bafy-s7', 950)`).run()
    // a version-1 store refuses the new status: what the migration must change
    expect(() => task.run(8, 'bafy-t2::f02', 'local-fault', null)).toThrow(/CHECK constraint failed/)
  } finally {
    db.close()
  }
}

describe('store schema migration', () => {
  it('opens a version-1 store: migrates it to version 2 keeping every row, and records local-fault tasks', () => {
    const path = join(dir, 'node.sqlite')
    writeV1(path)
    const store = openNodeStore({ path, now: () => 2_000 })
    try {
      expect([...store.taskStatus(7)]).toEqual([
        ['bafy-t1::f01', { status: 'done', measurementCid: 'bafy-m1' }],
        ['bafy-t2::f02', { status: 'no-measurement', measurementCid: null }],
      ])
      expect(store.hasMeasurement('bafy-m1')).toBe(true)
      expect(store.lastAnchoredSummary()).toEqual({ round: 7, summaryCid: 'bafy-s7' })
      // the planned task of round 8 is still pending; now it can end as a withheld one
      store.completeTask(8, 'bafy-t2::f02', { status: 'local-fault' })
      expect([...store.taskStatus(8)]).toEqual([
        ['bafy-t1::f01', { status: 'pending', measurementCid: null }],
        ['bafy-t2::f02', { status: 'local-fault', measurementCid: null }],
      ])
      expect(() => store.completeTask(8, 'bafy-t1::f01', { status: 'bogus' as 'done' })).toThrow()
    } finally {
      store.close()
    }
    const raw = new Database(path, { readonly: true })
    try {
      expect(raw.prepare('SELECT version, applied_at FROM schema_version ORDER BY version').all()).toEqual([
        { version: 1, applied_at: 500 },
        { version: 2, applied_at: 2_000 },
      ])
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
      const tables = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()
      expect(tables).toEqual(['attestations', 'measurements', 'rounds', 'schema_version', 'tasks'])
    } finally {
      raw.close()
    }
    // opened again: nothing to migrate, nothing lost
    const again = openNodeStore({ path, now: () => 3_000 })
    try {
      expect(again.taskStatus(8).get('bafy-t2::f02')?.status).toBe('local-fault')
    } finally {
      again.close()
    }
  })
})
