import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNodeStore } from '../src/store/index.js'

/*
 * Crash safety: a child process writes to the store in a loop, printing each CID after its
 * transaction committed, and is SIGKILLed mid-way. The reopened database must pass
 * integrity_check and hold every row the child reported. A second child is killed while it is
 * provably inside a write transaction whose pages are already in the WAL: none of that
 * transaction may survive, everything before it must. The children run the BUILT store
 * (`npx tsc -b packages/node` first): a plain `node` cannot load the TypeScript sources.
 */

const here = dirname(fileURLToPath(import.meta.url))
const srcDir = join(here, '..', 'src', 'store')
const distEntry = join(here, '..', 'dist', 'store', 'index.js')

function assertBuilt(): void {
  if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`npx tsc -b packages/node\` first`)
  for (const file of ['store.ts', 'schema.ts', 'errors.ts', 'index.ts']) {
    const built = join(here, '..', 'dist', 'store', file.replace(/\.ts$/, '.js'))
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(srcDir, file)).mtimeMs) {
      throw new Error(`${built} is older than src/store/${file}: run \`npx tsc -b packages/node\` first`)
    }
  }
}

const CHILD = `
import { randomBytes } from 'node:crypto'
import { writeSync } from 'node:fs'
const { openNodeStore } = await import(process.argv[2])
const store = openNodeStore({ path: process.argv[3] })
const prefix = process.argv[4]
const say = (line) => writeSync(1, line + '\\n')
say('ready')
for (let i = 0; ; i++) {
  const round = 100 + Math.floor(i / 50)
  const taskId = prefix + '-task' + i + '::f0' + i
  if (i % 50 === 0) store.planTasks(round, Array.from({ length: 50 }, (_, k) => prefix + '-task' + (i + k) + '::f0' + (i + k)))
  const cid = prefix + '-own' + i
  store.recordOwnMeasurement({ round, taskId, cid, stationId: 'me', shard: i % 4, bytes: randomBytes(200 + (i % 1800)) })
  say('own ' + cid + ' ' + round + ' ' + taskId)
  if (i % 3 === 0) {
    const batch = Array.from({ length: 25 }, (_, k) => ({
      cid: prefix + '-peer' + i + '-' + k, round, taskId: 't' + k + '::f01', stationId: 'peer' + k, shard: k % 4,
      bytes: randomBytes(1000), origin: 'peer',
    }))
    store.putMeasurements(batch)
    say('peer ' + batch.map((m) => m.cid).join(','))
  }
  if (i % 5 === 0 && i > 0) {
    store.markPublished(prefix + '-own' + (i - 1))
    say('published ' + prefix + '-own' + (i - 1))
  }
}
`

// Commits 30 own measurements, then opens a 20 MB batch transaction (more than the 16 MB page
// cache better-sqlite3 sets, so uncommitted pages spill into the WAL), says so, and blocks inside
// it until killed.
const STALLING_CHILD = `
import { randomBytes } from 'node:crypto'
import { statSync, writeSync } from 'node:fs'
const { openNodeStore } = await import(process.argv[2])
const path = process.argv[3]
const store = openNodeStore({ path })
const say = (line) => writeSync(1, line + '\\n')
store.planTasks(500, Array.from({ length: 30 }, (_, i) => 'stall-task' + i + '::f0' + i))
for (let i = 0; i < 30; i++) {
  store.recordOwnMeasurement({ round: 500, taskId: 'stall-task' + i + '::f0' + i, cid: 'stall-own' + i, stationId: 'me', shard: 0, bytes: randomBytes(300) })
  say('own stall-own' + i)
}
say('wal ' + statSync(path + '-wal').size)
function* batch() {
  for (let k = 0; k < 10000; k++) {
    yield { cid: 'stall-peer' + k, round: 500, taskId: 't::f01', stationId: 'p' + k, shard: 0, bytes: randomBytes(2000), origin: 'peer' }
  }
  say('inside ' + statSync(path + '-wal').size)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) // in the transaction, forever
}
store.putMeasurements(batch())
say('committed')
`

interface Report {
  own: Array<{ cid: string; round: number; taskId: string }>
  peer: string[]
  published: string[]
}

/**
 * Runs a writer script (`node script <store entry> ...args`) until `ready(stdout)` holds, then
 * SIGKILLs it; returns what it printed. Fails if it exits on its own first.
 */
async function spawnAndKill(script: string, args: string[], ready: (out: string) => boolean): Promise<string> {
  const child = spawn(process.execPath, [script, pathToFileURL(distEntry).href, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (ready(out)) resolve()
    })
    child.on('exit', () => reject(new Error(`the writer exited before it was killed: ${out} ${err}`)))
  })
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  return out
}

/** Runs the writer until it reported `commits` committed lines, then SIGKILLs it. */
async function runAndKill(script: string, dbPath: string, prefix: string, commits: number): Promise<Report> {
  const out = await spawnAndKill(script, [dbPath, prefix], (o) => o.split('\n').length - 2 >= commits)
  const report: Report = { own: [], peer: [], published: [] }
  const lines = out.split('\n')
  lines.pop() // only complete lines count
  for (const line of lines) {
    const [kind, a, b, c] = line.split(' ')
    if (kind === 'own') report.own.push({ cid: a as string, round: Number(b), taskId: c as string })
    else if (kind === 'peer') report.peer.push(...(a as string).split(','))
    else if (kind === 'published') report.published.push(a as string)
  }
  return report
}

describe('store crash safety', () => {
  let dir: string
  let script: string
  beforeAll(async () => {
    assertBuilt()
    dir = await mkdtemp(join(tmpdir(), 'spark-store-crash-'))
    script = join(dir, 'writer.mjs')
    await writeFile(script, CHILD)
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('kill -9 during store writes, four times over: no committed row lost, no own measurement without its done task, integrity ok', async () => {
    const dbPath = join(dir, 'node.sqlite')
    const all: Report = { own: [], peer: [], published: [] }
    for (const [cycle, commits] of [150, 400, 90, 250].entries()) {
      const report = await runAndKill(script, dbPath, `c${cycle}`, commits)
      expect(report.own.length).toBeGreaterThan(0)
      all.own.push(...report.own)
      all.peer.push(...report.peer)
      all.published.push(...report.published)
      // The WAL was live when the writer died: recovery, not a clean checkpoint, is what we test.
      expect(await readdir(dir)).toContain('node.sqlite-wal')

      const store = openNodeStore({ path: dbPath })
      try {
        for (const { cid, round, taskId } of all.own) {
          expect(store.hasMeasurement(cid), cid).toBe(true)
          expect(store.taskStatus(round).get(taskId), taskId).toEqual({ status: 'done', measurementCid: cid })
        }
        for (const cid of all.peer) expect(store.hasMeasurement(cid), cid).toBe(true)
        const unpublished = new Set(store.unpublishedMeasurements().map((m) => m.cid))
        for (const cid of all.published) expect(unpublished.has(cid), cid).toBe(false)
        // Atomicity: no task is done without its measurement, no own measurement lacks its done task.
        const raw = new Database(dbPath, { readonly: true })
        try {
          expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
          expect(raw.pragma('foreign_key_check')).toEqual([])
          const orphans = raw
            .prepare(
              `SELECT count(*) FROM tasks t WHERE t.status = 'done' AND NOT EXISTS (SELECT 1 FROM measurements m WHERE m.cid = t.measurement_cid)`,
            )
            .pluck()
            .get()
          expect(orphans).toBe(0)
          const undone = raw
            .prepare(
              `SELECT count(*) FROM measurements m WHERE m.origin = 'self' AND NOT EXISTS
               (SELECT 1 FROM tasks t WHERE t.round = m.round AND t.task_id = m.task_id AND t.status = 'done' AND t.measurement_cid = m.cid)`,
            )
            .pluck()
            .get()
          expect(undone).toBe(0)
        } finally {
          raw.close()
        }
      } finally {
        store.close()
      }
    }
  })

  it('kill -9 inside a write transaction whose pages are already in the WAL: none of it survives, all before it does', async () => {
    const dbPath = join(dir, 'stall.sqlite')
    const stalling = join(dir, 'stalling.mjs')
    await writeFile(stalling, STALLING_CHILD)
    const out = await spawnAndKill(stalling, [dbPath], (o) => /^inside \d+$/m.test(o))
    expect(out).not.toContain('committed')
    const walBefore = Number(out.match(/^wal (\d+)$/m)?.[1])
    const walInside = Number(out.match(/^inside (\d+)$/m)?.[1])
    // the kill landed inside the transaction, with megabytes of its uncommitted pages on disk
    expect(walInside - walBefore).toBeGreaterThan(1024 * 1024)

    const raw = new Database(dbPath)
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(raw.prepare("SELECT count(*) FROM measurements WHERE cid LIKE 'stall-peer%'").pluck().get()).toBe(0)
    } finally {
      raw.close()
    }
    const store = openNodeStore({ path: dbPath })
    try {
      for (let i = 0; i < 30; i++) {
        expect(store.hasMeasurement(`stall-own${i}`)).toBe(true)
        expect(store.taskStatus(500).get(`stall-task${i}::f0${i}`)).toEqual({ status: 'done', measurementCid: `stall-own${i}` })
      }
      expect(store.countMeasurements()).toBe(30)
    } finally {
      store.close()
    }
  })
})
