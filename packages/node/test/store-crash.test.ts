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
 * integrity_check and hold every row the child reported. The child runs the BUILT store
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

interface Report {
  own: Array<{ cid: string; round: number; taskId: string }>
  peer: string[]
  published: string[]
}

/** Runs the writer until it reported `commits` committed lines, then SIGKILLs it. */
async function runAndKill(script: string, dbPath: string, prefix: string, commits: number): Promise<Report> {
  const child = spawn(process.execPath, [script, pathToFileURL(distEntry).href, dbPath, prefix], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.split('\n').length - 2 >= commits) resolve()
    })
    child.on('exit', () => reject(new Error(`writer exited before it was killed: ${err}`)))
  })
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
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

  it('loses no committed row and corrupts nothing when the writer is SIGKILLed', async () => {
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
})
