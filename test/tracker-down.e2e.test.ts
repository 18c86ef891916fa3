import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { paramsDigest, validateParams } from '@spark-swarm/protocol'
import { startTracker } from '@spark-swarm/tracker'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { spawnCli } from './cli-process.js'
import { e2eWorld } from './helpers/e2e-world.js'

/*
 * The tracker goes down: `spark-swarm start` nodes keep working. A node caches the tracker's
 * params in its data dir; while the tracker is down a running node goes on with its rounds (the
 * version gate only warns), and a node started while it is down comes up on the cached params.
 * Without a cache it refuses to start and says what to do. All on 127.0.0.1, real processes.
 */

const ROUND_MS = 1_500
let tracker: Awaited<ReturnType<typeof startTracker>> | undefined
const nodes: Array<ReturnType<typeof spawnCli>> = []

const e2e = e2eWorld({
  name: 'tracker-down',
  seed: 'tracker down e2e',
  blocksPerProvider: 2,
  stop: async () => {
    for (const node of nodes) await node.stop()
    await tracker?.stop()
  },
})

interface Status {
  network: string
  round: number
  jobsCompleted: number
  lastAnchored?: { round: number; summaryCid: string }
}

async function status(api: string): Promise<Status> {
  return (await fetch(`${api}/api/status`, { signal: AbortSignal.timeout(5_000) })).json() as Promise<Status>
}

async function until(what: string, api: string, pred: (s: Status) => boolean, timeoutMs: number): Promise<Status> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const s = await status(api)
    if (pred(s)) return s
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function startArgs(dataDir: string, trackerUrl: string, catalogue: string): string[] {
  const w = e2e.world
  return [
    'start',
    ...['--tracker', trackerUrl, '--data-dir', dataDir, '--catalogue', catalogue, '--indexer', w.ipniUrl, '--rpc', w.rpcUrl],
    ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', '198.51.100.0/24', '--log-level', 'warn'],
  ]
}

function spawnNode(args: string[]) {
  const node = spawnCli(args)
  nodes.push(node)
  return node
}

describe('tracker down', () => {
  it('a running node keeps doing rounds, and restarts on the params it cached (atomic, 0600, validated)', async () => {
    const catalogue = join(e2e.dir, 'catalogue.json')
    await writeFile(catalogue, JSON.stringify(e2e.world.catalogue))
    const configPath = join(e2e.dir, 'tracker.json')
    const genesisTime = Date.now()
    const overrides = { genesisTime, roundDurationMs: ROUND_MS, gracePeriodMs: 300, tasksPerRound: 2, minCommitteeSize: 1 }
    await writeFile(configPath, JSON.stringify({ preset: 'devnet', params: overrides, bootstrap: [] }))
    tracker = await startTracker({ configPath, reloadIntervalMs: 0 })
    const trackerUrl = tracker.url
    const served = tracker.config().params
    const dataDir = join(e2e.dir, 'node')

    const first = spawnNode(startArgs(dataDir, trackerUrl, catalogue))
    const [, api1] = (await first.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//)) as RegExpMatchArray & [string, string]
    // the cache: the tracker's params exactly, owner-only, written whole (no temp file left)
    const cachePath = join(dataDir, 'network.json')
    expect((await stat(cachePath)).mode & 0o777).toBe(0o600)
    const cached = JSON.parse(await readFile(cachePath, 'utf8'))
    expect(validateParams(cached.params)).toEqual(served)
    expect(cached.paramsDigest).toBe(paramsDigest(served))
    expect(cached.tracker).toBe(trackerUrl)
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp') || f.startsWith('.write-test'))).toEqual([])
    const before = await until('the first checks', api1, (s) => s.jobsCompleted > 0, 6 * ROUND_MS)
    expect(before.network).toBe('devnet')

    // the tracker goes away mid-run
    await tracker.stop()
    const down = await status(api1)
    const after = await until(
      'two more rounds checked and anchored',
      api1,
      (s) => s.round >= down.round + 2 && s.jobsCompleted > down.jobsCompleted && (s.lastAnchored?.round ?? -1) > down.round,
      6 * ROUND_MS,
    )
    expect(after.jobsCompleted).toBeGreaterThan(before.jobsCompleted)
    expect(first.stderr.some((l) => /tracker cannot be reached.*unreachable/.test(l))).toBe(true)
    expect(await first.stop()).toBe(0)

    // restarted while the tracker is still down: up on the cached params, with a warning
    const second = spawnNode(startArgs(dataDir, trackerUrl, catalogue))
    const [, api2] = (await second.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//)) as RegExpMatchArray & [string, string]
    const warning = second.stderr.find((l) => l.includes('starting on the network params'))
    expect(warning).toBeDefined()
    expect(JSON.parse(warning as string)).toMatchObject({ level: 40 })
    expect(warning).toContain(cachePath)
    expect(warning).toContain(`tracker ${trackerUrl}/v1/network is unreachable`)
    const resumed = await until('checks on the cached params', api2, (s) => s.jobsCompleted > 0, 6 * ROUND_MS)
    // the tracker's network (its genesis and round length), not the mainnet default of the CLI
    expect(resumed.network).toBe('devnet')
    expect(Math.abs(resumed.round - Math.floor((Date.now() - genesisTime) / ROUND_MS))).toBeLessThanOrEqual(1)
    expect(await second.stop()).toBe(0)
  }, 30_000)

  it('refuses to start without the tracker and without a cache, or on a broken cache, saying what to do', async () => {
    const catalogue = join(e2e.dir, 'catalogue.json')
    // a tracker address where nothing listens (the one stopped above, or a fresh one stopped now)
    const gone = await startTracker({ configPath: await devnetTrackerConfig() })
    const url = gone.url
    await gone.stop()

    const fresh = join(e2e.dir, 'fresh')
    const none = await runCli(startArgs(fresh, url, catalogue), { timeoutMs: 20_000 })
    expect(none.code).toBe(1)
    expect(none.stderr).toContain(`no network params are cached in ${join(fresh, 'network.json')}`)
    expect(none.stderr).toMatch(/start it once while the tracker is reachable.*leave out --tracker.*\[NETWORK_PARAMS_UNAVAILABLE\]/)

    const broken = join(e2e.dir, 'broken')
    await runCli(['keygen', '--data-dir', broken]) // an ordinary data dir…
    await writeFile(join(broken, 'network.json'), '{"version": 1, "params": {"network": "devnet"}', { mode: 0o600 }) // …with a torn cache
    const torn = await runCli(startArgs(broken, url, catalogue), { timeoutMs: 20_000 })
    expect(torn.code).toBe(1)
    expect(torn.stderr).toContain(`the cached network params ${join(broken, 'network.json')} are unusable: it is not JSON`)
    expect(torn.stderr).toMatch(/Delete the file and start the node while its tracker is reachable \[NETWORK_CACHE_INVALID\]/)
  }, 30_000)
})

async function devnetTrackerConfig(): Promise<string> {
  const path = join(e2e.dir, 'gone-tracker.json')
  await writeFile(path, JSON.stringify({ preset: 'devnet', bootstrap: [] }))
  return path
}
