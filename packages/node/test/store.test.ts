import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type MeasurementRecord, type NodeStore, openNodeStore, SCHEMA_VERSION, StoreError } from '../src/store/index.js'
import type { StoredMeasurement } from '../src/store/store-types.js'

let dir: string
let path: string
let clock: number
let store: NodeStore
const now = () => clock

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-store-'))
  path = join(dir, 'node.sqlite')
  clock = 1_000
  store = openNodeStore({ path, now })
})
afterEach(async () => {
  store.close()
  await rm(dir, { recursive: true, force: true })
})

const bytesOf = (n: number) => new Uint8Array([n & 0xff, (n >> 8) & 0xff, 0xa5])

function measurement(n: number, over: Partial<MeasurementRecord> = {}): MeasurementRecord {
  return {
    cid: `bafy-m${n}`,
    round: 10,
    taskId: `bafy-task${n}::f0${n}`,
    stationId: `station-${n % 3}`,
    shard: n % 4,
    bytes: bytesOf(n),
    origin: 'peer',
    ...over,
  }
}

function openError(fn: () => unknown): StoreError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError)
    return err as StoreError
  }
  throw new Error('expected an error')
}

describe('openNodeStore', () => {
  it('creates a WAL database at schema version 2', () => {
    store.close()
    const raw = new Database(path, { readonly: true })
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(raw.pragma('auto_vacuum', { simple: true })).toBe(2)
      expect(raw.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([1, 2])
      const tables = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()
      expect(tables).toEqual(['attestations', 'measurements', 'rounds', 'schema_version', 'tasks'])
    } finally {
      raw.close()
    }
    expect(SCHEMA_VERSION).toBe(2)
  })

  it('keeps data and does not re-migrate on reopen', () => {
    store.putMeasurement(measurement(1))
    store.setRoundState(10, 'checking')
    store.close()
    store = openNodeStore({ path, now })
    expect(store.hasMeasurement('bafy-m1')).toBe(true)
    expect(store.roundState(10)?.state).toBe('checking')
  })

  it('fails clearly for a missing directory, a directory path and a non-database file', async () => {
    for (const bad of [join(dir, 'missing', 'node.sqlite'), dir]) {
      const err = openError(() => openNodeStore({ path: bad }))
      expect(err.code).toBe('STORE_OPEN_FAILED')
      expect(err.message).toContain(bad)
      expect(err.path).toBe(bad)
    }
    const garbage = join(dir, 'garbage.sqlite')
    await writeFile(garbage, 'this is not a database, just some text that is long enough'.repeat(100))
    expect(openError(() => openNodeStore({ path: garbage })).code).toBe('STORE_OPEN_FAILED')
  })

  it('fails clearly in a read-only directory', async () => {
    // root ignores directory permissions: then the check runs in a child process as nobody
    const ro = join(dir, 'ro')
    await mkdir(ro, { mode: 0o555 })
    await chmod(dir, 0o755)
    const target = join(ro, 'node.sqlite')
    try {
      if (process.getuid?.() !== 0) {
        const err = openError(() => openNodeStore({ path: target }))
        expect(err.code).toBe('STORE_OPEN_FAILED')
        expect(err.message).toContain(target)
        return
      }
      const storeModule = new URL('../dist/store/index.js', import.meta.url).href
      const script = `import { openNodeStore } from ${JSON.stringify(storeModule)}
try { openNodeStore({ path: ${JSON.stringify(target)} }); console.log('opened') } catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })) }`
      const out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, timeout: 10_000 }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        )
      })
      const result = JSON.parse(out.trim())
      expect(result.code).toBe('STORE_OPEN_FAILED')
      expect(result.message).toContain(target)
    } finally {
      await chmod(ro, 0o700)
    }
  })

  it('refuses a database from a newer schema', () => {
    store.close()
    const raw = new Database(path)
    raw.prepare('INSERT INTO schema_version (version, applied_at) VALUES (99, 0)').run()
    raw.close()
    const err = openError(() => openNodeStore({ path }))
    expect(err.code).toBe('STORE_SCHEMA_TOO_NEW')
    expect(err.message).toContain(path)
  })

  it('works in memory', () => {
    const mem = openNodeStore({ path: ':memory:' })
    expect(mem.putMeasurement(measurement(1))).toBe(true)
    mem.close()
  })
})

describe('measurements', () => {
  it('stores a measurement once (idempotent, first write wins)', () => {
    expect(store.putMeasurement(measurement(1))).toBe(true)
    expect(store.putMeasurement(measurement(1, { bytes: new Uint8Array([9]), round: 11 }))).toBe(false)
    expect(store.countMeasurements()).toBe(1)
    expect(store.hasMeasurement('bafy-m1')).toBe(true)
    expect(store.hasMeasurement('bafy-m2')).toBe(false)
    expect(store.measurementsOfRound(10)).toEqual([{ cid: 'bafy-m1', bytes: bytesOf(1) }])
    expect(store.measurementsOfRound(11)).toEqual([])
    // who measured it (what catch-up reads of a committee block's listed members)
    expect(store.measurementOwner('bafy-m1')).toEqual({ round: 10, taskId: 'bafy-task1::f01', stationId: 'station-1', bytes: bytesOf(1) })
    expect(store.measurementOwner('bafy-m2')).toBeUndefined()
  })

  it('returns plain Uint8Arrays with the stored bytes', () => {
    const big = new Uint8Array(2048).map((_, i) => (i * 7) & 0xff)
    store.putMeasurement(measurement(1, { bytes: big }))
    const [m] = store.measurementsOfRound(10)
    expect(Buffer.isBuffer(m?.bytes)).toBe(false)
    expect(m?.bytes).toEqual(big)
  })

  it('stores a batch in one call', () => {
    store.putMeasurement(measurement(2))
    expect(store.putMeasurements([1, 2, 3, 4].map((n) => measurement(n)))).toBe(3)
    expect(store.countMeasurements()).toBe(4)
    expect(store.measurementsOfRound(10).map((m) => m.cid)).toEqual(['bafy-m1', 'bafy-m2', 'bafy-m3', 'bafy-m4'])
  })

  it('reads a round page by page, leaving what is stored meanwhile for the next reading', () => {
    store.putMeasurements([5, 3, 1, 4, 2].map((n) => measurement(n)))
    store.putMeasurement(measurement(6, { round: 11 }))
    const pages = store.measurementPagesOfRound(10, 2)[Symbol.iterator]()
    const read: StoredMeasurement[][] = [pages.next().value as StoredMeasurement[]]
    // a measurement of the round arrives while the node reads it
    store.putMeasurement(measurement(7))
    for (let page = pages.next(); !page.done; page = pages.next()) read.push(page.value)
    expect(read.map((page) => page?.length)).toEqual([2, 2, 1])
    const cids = read.flatMap((page) => page?.map((m) => m.cid))
    expect(cids.sort()).toEqual(['bafy-m1', 'bafy-m2', 'bafy-m3', 'bafy-m4', 'bafy-m5'])
    expect(read.flat().find((m) => m?.cid === 'bafy-m3')?.bytes).toEqual(bytesOf(3))
    expect([...store.measurementPagesOfRound(10)].flat().map((m) => m.cid)).toContain('bafy-m7')
    expect([...store.measurementPagesOfRound(12)]).toEqual([])
  })

  it('rejects invalid rows instead of storing them', () => {
    expect(() => store.putMeasurement(measurement(1, { round: 1.5 }))).toThrow()
    expect(() => store.putMeasurement(measurement(1, { origin: 'other' as 'peer' }))).toThrow()
    expect(() => store.putMeasurement(measurement(1, { round: -1 }))).toThrow()
    // A batch with one bad row stores nothing.
    expect(() => store.putMeasurements([measurement(2), measurement(3, { shard: -1 })])).toThrow()
    expect(store.countMeasurements()).toBe(0)
  })

  it('lists own unpublished measurements oldest first until published', () => {
    clock = 3_000
    store.putMeasurement(measurement(1, { origin: 'self' }))
    clock = 2_000
    store.putMeasurement(measurement(2, { origin: 'self' }))
    store.putMeasurement(measurement(3, { origin: 'self', receivedAt: 2_500 }))
    store.putMeasurement(measurement(4, { origin: 'self', published: true }))
    store.putMeasurement(measurement(5)) // a peer's
    expect(store.unpublishedMeasurements().map((m) => m.cid)).toEqual(['bafy-m2', 'bafy-m3', 'bafy-m1'])
    expect(store.unpublishedMeasurements(1)).toEqual([{ cid: 'bafy-m2', round: 10, shard: 2, bytes: bytesOf(2) }])
    expect(store.markPublished('bafy-m2')).toBe(true)
    expect(store.markPublished('bafy-m2')).toBe(false)
    expect(store.markPublished('bafy-none')).toBe(false)
    expect(store.unpublishedMeasurements().map((m) => m.cid)).toEqual(['bafy-m3', 'bafy-m1'])
  })
})

describe('tasks', () => {
  it('plans tasks as pending and keeps existing rows', () => {
    expect(store.planTasks(10, ['a::f01', 'b::f02'])).toBe(2)
    store.completeTask(10, 'a::f01', { status: 'no-measurement' })
    expect(store.planTasks(10, ['a::f01', 'b::f02', 'c::f03'])).toBe(1)
    expect(store.taskStatus(10)).toEqual(
      new Map([
        ['a::f01', { status: 'no-measurement', measurementCid: null }],
        ['b::f02', { status: 'pending', measurementCid: null }],
        ['c::f03', { status: 'pending', measurementCid: null }],
      ]),
    )
    expect(store.taskStatus(11).size).toBe(0)
  })

  it('completes a task, planned or not', () => {
    store.planTasks(10, ['a::f01'])
    store.completeTask(10, 'a::f01', { status: 'done', measurementCid: 'bafy-x' })
    store.completeTask(10, 'z::f09', { status: 'done' })
    expect(store.taskStatus(10).get('a::f01')).toEqual({ status: 'done', measurementCid: 'bafy-x' })
    expect(store.taskStatus(10).get('z::f09')).toEqual({ status: 'done', measurementCid: null })
  })

  it('records an own measurement and its task together', () => {
    store.planTasks(10, ['bafy-task1::f01'])
    const rec = { round: 10, taskId: 'bafy-task1::f01', cid: 'bafy-m1', stationId: 'me', shard: 1, bytes: bytesOf(1) }
    expect(store.recordOwnMeasurement(rec)).toBe(true)
    expect(store.recordOwnMeasurement(rec)).toBe(false)
    expect(store.taskStatus(10).get('bafy-task1::f01')).toEqual({ status: 'done', measurementCid: 'bafy-m1' })
    expect(store.unpublishedMeasurements()).toEqual([{ cid: 'bafy-m1', round: 10, shard: 1, bytes: bytesOf(1) }])
  })

  it('records neither the measurement nor the task when the transaction fails', () => {
    store.planTasks(10, ['bafy-task1::f01'])
    // Make the task update fail after the measurement insert succeeded (another connection adds a trigger).
    const raw = new Database(path)
    raw.exec(`CREATE TRIGGER fail_tasks BEFORE UPDATE ON tasks BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
    raw.close()
    const rec = { round: 10, taskId: 'bafy-task1::f01', cid: 'bafy-m1', stationId: 'me', shard: 1, bytes: bytesOf(1) }
    expect(() => store.recordOwnMeasurement(rec)).toThrow(/injected failure/)
    expect(store.hasMeasurement('bafy-m1')).toBe(false)
    expect(store.taskStatus(10).get('bafy-task1::f01')?.status).toBe('pending')
  })
})

describe('rounds', () => {
  it('moves forward only and keeps the summary CID', () => {
    expect(store.roundState(10)).toBeUndefined()
    expect(store.setRoundState(10, 'checking')).toEqual({ round: 10, state: 'checking', summaryCid: null, evaluatedAt: null })
    clock = 5_000
    expect(store.setRoundState(10, 'evaluated', 'bafy-sum10')).toEqual({
      round: 10,
      state: 'evaluated',
      summaryCid: 'bafy-sum10',
      evaluatedAt: 5_000,
    })
    clock = 6_000
    store.setRoundState(10, 'checking') // a restart re-entering the round: ignored
    expect(store.setRoundState(10, 'anchored')).toEqual({ round: 10, state: 'anchored', summaryCid: 'bafy-sum10', evaluatedAt: 5_000 })
    expect(store.setRoundState(10, 'evaluated')).toMatchObject({ state: 'anchored' })
  })

  it('finds the last anchored summary before a round', () => {
    expect(store.lastAnchoredSummary()).toBeUndefined()
    store.setRoundState(7, 'anchored', 'bafy-sum7')
    store.setRoundState(8, 'anchored') // no summary CID: not a link target
    store.setRoundState(9, 'evaluated', 'bafy-sum9')
    store.setRoundState(10, 'anchored', 'bafy-sum10')
    expect(store.lastAnchoredSummary()).toEqual({ round: 10, summaryCid: 'bafy-sum10' })
    expect(store.lastAnchoredSummary(10)).toEqual({ round: 7, summaryCid: 'bafy-sum7' })
    expect(store.lastAnchoredSummary(7)).toBeUndefined()
  })
})

describe('attestations', () => {
  it('keeps one attestation per (round, task, station): the latest, since a member that caught up attests again', () => {
    const a = { round: 10, taskId: 't::f01', stationId: 'st-b', committeeCid: 'bafy-c1', bytes: new Uint8Array([1]) }
    expect(store.putAttestation(a)).toBe(true)
    expect(store.putAttestation(a)).toBe(false)
    expect(store.putAttestation({ ...a, stationId: 'st-a', committeeCid: 'bafy-c2' })).toBe(true)
    expect(store.putAttestation({ ...a, round: 11 })).toBe(true)
    expect(store.attestationsOf(10, 't::f01')).toEqual([
      { stationId: 'st-a', committeeCid: 'bafy-c2' },
      { stationId: 'st-b', committeeCid: 'bafy-c1' },
    ])
    expect(store.putAttestation({ ...a, committeeCid: 'bafy-c2', bytes: new Uint8Array([2]) })).toBe(true)
    expect(store.attestationsOf(10, 't::f01')).toEqual([
      { stationId: 'st-a', committeeCid: 'bafy-c2' },
      { stationId: 'st-b', committeeCid: 'bafy-c2' },
    ])
    expect(store.attestationsOf(10, 'other::f01')).toEqual([])
  })
})

describe('pruning and size', () => {
  it('deletes old rounds but keeps the newest anchored summary', () => {
    for (const round of [5, 6, 7, 8]) {
      store.putMeasurements([1, 2, 3].map((n) => measurement(round * 10 + n, { round, bytes: new Uint8Array(1500) })))
      store.planTasks(round, ['t::f01'])
      store.putAttestation({ round, taskId: 't::f01', stationId: 's', committeeCid: 'c', bytes: new Uint8Array(8) })
    }
    store.setRoundState(5, 'anchored', 'bafy-sum5')
    store.setRoundState(6, 'anchored', 'bafy-sum6')
    store.setRoundState(7, 'evaluated', 'bafy-sum7')
    store.setRoundState(8, 'checking')
    const sizeBefore = store.sizeBytes()
    expect(sizeBefore).toBeGreaterThan(0)

    expect(store.pruneRoundsBefore(8)).toEqual({ measurements: 9, tasks: 3, attestations: 3, rounds: 2 })
    expect(store.countMeasurements()).toBe(3)
    expect(store.measurementsOfRound(7)).toEqual([])
    expect(store.taskStatus(7).size).toBe(0)
    expect(store.attestationsOf(7, 't::f01')).toEqual([])
    expect(store.roundState(5)).toBeUndefined()
    expect(store.roundState(7)).toBeUndefined()
    expect(store.lastAnchoredSummary(8)).toEqual({ round: 6, summaryCid: 'bafy-sum6' })
    expect(store.roundState(8)?.state).toBe('checking')
    expect(store.sizeBytes()).toBeLessThanOrEqual(sizeBefore)
    expect(store.pruneRoundsBefore(8)).toEqual({ measurements: 0, tasks: 0, attestations: 0, rounds: 0 })
  })

  it('closes idempotently and fails afterwards', () => {
    store.close()
    store.close()
    expect(() => store.countMeasurements()).toThrow()
  })
})
