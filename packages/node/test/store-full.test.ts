import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type NodeStore, openNodeStore, StoreError } from '../src/store/index.js'

/*
 * A full disk, produced by SQLite itself: `maxBytes` sets `PRAGMA max_page_count`, and the engine
 * answers SQLITE_FULL exactly as when the file system says ENOSPC. What must hold: the write fails
 * with STORE_DISK_FULL naming the file, nothing committed before is lost, the file stays intact,
 * and once there is room (a larger limit) writing simply goes on.
 */

let dir: string
let path: string
let store: NodeStore | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-store-full-'))
  path = join(dir, 'node.sqlite')
})
afterEach(async () => {
  store?.close()
  await rm(dir, { recursive: true, force: true })
})

const own = (i: number) => ({
  round: 7,
  taskId: `bafy-task${i}::f0${i}`,
  cid: `bafy-own${i}`,
  stationId: 'me',
  shard: 0,
  bytes: randomBytes(900),
})

function storeErrorOf(fn: () => unknown): StoreError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError)
    return err as StoreError
  }
  throw new Error('expected a StoreError')
}

function integrity(file: string): string {
  const raw = new Database(file, { readonly: true })
  try {
    return raw.pragma('integrity_check', { simple: true }) as string
  } finally {
    raw.close()
  }
}

describe('store on a full disk', () => {
  it('fails the write with STORE_DISK_FULL, loses nothing committed before, and goes on once there is room', () => {
    const empty = openNodeStore({ path })
    const emptyBytes = empty.sizeBytes()
    empty.close()
    // two pages of room above the empty schema
    store = openNodeStore({ path, maxBytes: emptyBytes + 2 * 4096 })
    store.planTasks(
      7,
      Array.from({ length: 200 }, (_, i) => own(i).taskId),
    )
    const committed: string[] = []
    let full: StoreError | undefined
    for (let i = 0; i < 200 && !full; i++) {
      try {
        store.recordOwnMeasurement(own(i))
        committed.push(own(i).cid)
      } catch (err) {
        full = err as StoreError
        // the failed transaction left nothing behind: no measurement, and its task is still pending
        expect(store.hasMeasurement(own(i).cid)).toBe(false)
        expect(store.taskStatus(7).get(own(i).taskId)).toEqual({ status: 'pending', measurementCid: null })
      }
    }
    expect(committed.length).toBeGreaterThan(0)
    expect(full).toBeInstanceOf(StoreError)
    expect(full?.code).toBe('STORE_DISK_FULL')
    expect(full?.path).toBe(path)
    expect(full?.message).toContain(path)
    expect(full?.message).toMatch(/no space left \(SQLITE_FULL/)
    expect(full?.message).toMatch(/Free space on that disk/)

    // every kind of write says the same, and reads keep working
    const batch = Array.from({ length: 50 }, (_, k) => ({
      cid: `bafy-peer${k}`,
      round: 7,
      taskId: 't::f01',
      stationId: `p${k}`,
      shard: 0,
      bytes: randomBytes(900),
      origin: 'peer' as const,
    }))
    expect(storeErrorOf(() => store?.putMeasurements(batch)).code).toBe('STORE_DISK_FULL')
    expect(store.hasMeasurement('bafy-peer0')).toBe(false)
    expect(store.countMeasurements()).toBe(committed.length)
    store.close()

    expect(integrity(path)).toBe('ok')
    // room again: no limit
    store = openNodeStore({ path })
    for (const cid of committed) expect(store.hasMeasurement(cid)).toBe(true)
    expect(store.putMeasurements(batch)).toBe(50)
    expect(store.recordOwnMeasurement(own(199))).toBe(true)
    expect(store.countMeasurements()).toBe(committed.length + 51)
    store.close()
    store = undefined
    expect(integrity(path)).toBe('ok')
  })

  it('refuses a limit that is not a positive number of bytes', () => {
    expect(storeErrorOf(() => openNodeStore({ path, maxBytes: -1 })).code).toBe('STORE_OPEN_FAILED')
  })
})
