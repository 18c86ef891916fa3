import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { devnet } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunResult, runCli } from './cli.js'
import { spawnCli } from './cli-process.js'

/*
 * A node that cannot start stops everything it had started and exits with one line that names the
 * port, path or setting and what to do: exit 1 for what it could not do (a port or a data dir in
 * use), exit 2 for a setting it cannot use (a tracker URL without a scheme). No stack trace, and the
 * data dir's lock is free again. The library's start() cleans up the same way: the process that
 * embeds it ends by itself afterwards, and can start a node on the same data dir.
 */

const NODE_ENTRY = pathToFileURL(fileURLToPath(new URL('../packages/node/dist/index.js', import.meta.url))).href
const CATALOGUE = { entries: [{ cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', minerId: 'f01000', providerId: 'x' }] }
const LOCK_FILE = 'node.lock'

let dir: string
let catalogue: string
let held: Server
let heldPort: number
const running: Array<ReturnType<typeof spawnCli>> = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-start-failures-'))
  catalogue = join(dir, 'catalogue.json')
  await writeFile(catalogue, JSON.stringify(CATALOGUE))
  held = createServer()
  heldPort = await new Promise<number>((resolve) => held.listen(0, '127.0.0.1', () => resolve((held.address() as { port: number }).port)))
})
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()))
  await new Promise((resolve) => held.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

/** `spark-swarm start` on the devnet preset, loopback only, on free ports unless `extra` says otherwise. */
function startArgs(dataDir: string, extra: string[] = []): string[] {
  const defaults = { '--api-port': '0', '--listen': '/ip4/127.0.0.1/tcp/0' }
  const given = new Set(extra.filter((a) => a.startsWith('--')))
  const rest = Object.entries(defaults).flatMap(([flag, value]) => (given.has(flag) ? [] : [flag, value]))
  return [
    'start',
    ...['--network', 'devnet', '--catalogue', catalogue, '--indexer', 'http://127.0.0.1:9', '--log-level', 'warn'],
    ...['--data-dir', dataDir, ...rest, ...extra],
  ]
}

/** The one line an operator reads: `spark-swarm: … [CODE]`, nothing else on stderr. */
function expectOneLine(result: RunResult, code: number, pattern: RegExp) {
  expect(result.code, result.stderr).toBe(code)
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^spark-swarm: /)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr).not.toMatch(/\n\s+at |unexpected error/)
}

describe('spark-swarm start that cannot start', () => {
  it('exits 1 naming the status port in use and --api-port, with nothing left running or locked', async () => {
    const dataDir = join(dir, 'api-port')
    const result = await runCli(startArgs(dataDir, ['--api-port', String(heldPort)]), { timeoutMs: 20_000 })
    expectOneLine(result, 1, new RegExp(`127\\.0\\.0\\.1:${heldPort}.* in use.*--api-port \\[STATUS_PORT_IN_USE\\]$`))
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
  })

  it('exits 1 naming the libp2p listen address in use and --listen (not libp2p advice)', async () => {
    const dataDir = join(dir, 'listen-port')
    const result = await runCli(startArgs(dataDir, ['--listen', `/ip4/127.0.0.1/tcp/${heldPort}`]), { timeoutMs: 20_000 })
    expectOneLine(result, 1, new RegExp(`/ip4/127\\.0\\.0\\.1/tcp/${heldPort}.* in use.*--listen \\[LISTEN_ADDRESS_IN_USE\\]$`))
    expect(result.stderr).not.toMatch(/faultTolerance/)
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
  })

  it('exits 2 on a tracker URL without a scheme, naming the setting, before anything runs', async () => {
    const result = await runCli(startArgs(join(dir, 'tracker'), ['--tracker', '127.0.0.1:8080']), { timeoutMs: 20_000 })
    expectOneLine(result, 2, /tracker URL "127\.0\.0\.1:8080".*--tracker.*http:\/\/127\.0\.0\.1:8080 \[TRACKER_OPTIONS_INVALID\]$/)
  })

  it('exits 1 on a data dir in use by a running node, naming its pid; a lock left by a dead process is taken over', async () => {
    const dataDir = join(dir, 'shared')
    const first = spawnCli(startArgs(dataDir))
    running.push(first)
    await first.waitForLine(/^\s+status\s/)
    const second = await runCli(startArgs(dataDir), { timeoutMs: 20_000 })
    expectOneLine(
      second,
      1,
      new RegExp(`data dir ${dataDir} is in use by another node \\(pid ${first.child.pid}\\).*--data-dir \\[DATA_DIR_IN_USE\\]$`),
    )
    expect(await first.stop()).toBe(0)
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)

    // a node killed with -9 leaves its lock behind: its pid is gone, so the next node takes the dir
    await writeFile(join(dataDir, LOCK_FILE), `${await deadPid()}\n`)
    const next = spawnCli(startArgs(dataDir))
    running.push(next)
    await next.waitForLine(/^\s+status\s/)
    expect(await next.stop()).toBe(0)
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
  })
})

/** The pid of a process that has ended. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-e', ''], () => resolve(child.pid as number))
  })
}

/*
 * In a process of its own, so that what a failed start() leaves open would keep it alive: start()
 * on a port in use rejects with ListenError, a second start() on the same data dir works (the lock
 * and the LevelDB are free), and after its stop() the process ends by itself.
 */
const LIBRARY_START = `
const { createCheckerNode } = await import(process.argv[1])
const init = JSON.parse(process.argv[2])
const failing = createCheckerNode({ ...init, listen: ['/ip4/127.0.0.1/tcp/' + process.argv[3]] })
const failure = await failing.start().then(() => ({ started: true }), (err) => ({ name: err.name, code: err.code, address: err.address }))
const working = createCheckerNode({ ...init, listen: ['/ip4/127.0.0.1/tcp/0'] })
await working.start()
await working.stop()
console.log(JSON.stringify({ failure, restarted: true }))
`

describe('createCheckerNode().start() that fails part-way', () => {
  it('rejects with ListenError, frees the data dir, and leaves nothing that keeps the process alive', async () => {
    const dataDir = join(dir, 'library')
    const init = { dataDir, params: devnet, catalogue: CATALOGUE, indexerUrl: 'http://127.0.0.1:9', inetGroup: '192.0.2.0/24' }
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', LIBRARY_START, NODE_ENTRY, JSON.stringify(init), String(heldPort)],
        { timeout: 20_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    })
    expect(out.code, out.stderr).toBe(0)
    expect(JSON.parse(out.stdout.trim())).toEqual({
      failure: { name: 'ListenError', code: 'LISTEN_ADDRESS_IN_USE', address: `/ip4/127.0.0.1/tcp/${heldPort}` },
      restarted: true,
    })
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
  })
})
