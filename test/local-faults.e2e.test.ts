import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { startTracker } from '@spark-swarm/tracker'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './browser.js'
import { jsonLogs, spawnCli, untilFrom } from './cli-process.js'
import { type LoopbackProxy, startLoopbackProxy } from './loopback-proxy.js'

/*
 * Issue 11, item 2: a node must not blame providers for its own faults. Three `spark-swarm start`
 * nodes (real processes, a tracker, the fake outside world, all on 127.0.0.1); node C reaches the
 * indexer only through a TCP proxy the test cuts. While it is cut, C's checks get IPNI_ERROR_FETCH,
 * which counts toward RSR: C must withhold them (log, status, metric), so that A's and B's
 * evaluation of the healthy provider stays 100 % per request, and publish again by itself once the
 * proxy is restored.
 */

const ROUND_MS = 3_000
const MINER = 'f01000'
let dir: string
let world: OutsideWorld | undefined
let tracker: Awaited<ReturnType<typeof startTracker>> | undefined
let proxy: LoopbackProxy | undefined
let browser: Browser | undefined
const nodes: Array<ReturnType<typeof spawnCli>> = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-local-faults-'))
  world = await startOutsideWorld({
    seed: 'local faults e2e',
    blocksPerProvider: 2,
    providers: [{ minerId: MINER, profile: { kind: 'healthy' } }],
  })
  proxy = await startLoopbackProxy(world.ipniUrl)
})
afterAll(async () => {
  await browser?.close().catch(() => {})
  for (const node of nodes) await node.stop()
  await proxy?.stop()
  await tracker?.stop()
  await world?.stop()
  await rm(dir, { recursive: true, force: true })
}, 30_000)

interface Status {
  round: number
  rounds: Array<{ round: number; providers: Record<string, { perRequest: number | null; total: number }> }>
  localFaults?: Array<{ code: string; since: number; message: string }>
  tasks: Array<{ minerId: string; status: string; retrievalResult: string | null }>
}

async function status(api: string): Promise<Status> {
  return (await fetch(`${api}/api/status`, { signal: AbortSignal.timeout(5_000) })).json() as Promise<Status>
}

/** One sample of the node's /metrics, e.g. `spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}`. */
async function metric(api: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

type Node = ReturnType<typeof spawnCli> & { api: string; name: string }

const logs = (node: Node) => jsonLogs(node)
const until = <T>(what: string, pred: () => Promise<T | undefined> | T | undefined, timeoutMs: number) =>
  untilFrom(nodes, what, pred, timeoutMs)

async function startNode(name: string, indexer: string, trackerUrl: string, catalogue: string, bootstrap: string[]): Promise<Node> {
  const w = world as OutsideWorld
  const cli = spawnCli([
    'start',
    ...['--tracker', trackerUrl, '--data-dir', join(dir, name), '--catalogue', catalogue, '--indexer', indexer, '--rpc', w.rpcUrl],
    ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', `10.0.${nodes.length + 1}.0/24`, '--log-level', 'info'],
    ...bootstrap.flatMap((b) => ['--bootstrap', b]),
  ])
  nodes.push(cli)
  const [, api] = (await cli.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//, 30_000)) as RegExpMatchArray & [string, string]
  return Object.assign(cli, { api, name })
}

describe('local faults', () => {
  it('a node without its indexer withholds what it would blame on providers, and publishes again once it is back', async () => {
    const w = world as OutsideWorld
    const catalogue = join(dir, 'catalogue.json')
    await writeFile(catalogue, JSON.stringify(w.catalogue))
    const configPath = join(dir, 'tracker.json')
    const overrides = { genesisTime: Date.now(), roundDurationMs: ROUND_MS, gracePeriodMs: 600, tasksPerRound: 2, minCommitteeSize: 2 }
    await writeFile(configPath, JSON.stringify({ preset: 'devnet', params: overrides, bootstrap: [] }))
    tracker = await startTracker({ configPath, reloadIntervalMs: 0 })
    const cut = proxy as LoopbackProxy
    await cut.cut()

    const a = await startNode('a', w.ipniUrl, tracker.url, catalogue, [])
    const [, addr] = (await a.waitForLine(/^ {2}listening {2}(\S+)/)) as RegExpMatchArray & [string, string]
    const b = await startNode('b', w.ipniUrl, tracker.url, catalogue, [addr])
    const c = await startNode('c', cut.url, tracker.url, catalogue, [addr])

    // C sees its own fault, says so once, and withholds its checks' results
    const fault = await until(
      'the local fault line of C',
      () => logs(c).find((l) => l.msg.startsWith('local fault IPNI_UNREACHABLE:')),
      8 * ROUND_MS,
    )
    expect(fault.level).toBe(40)
    expect(fault.msg).toContain(`the indexer ${cut.url} cannot be reached`)
    expect(fault.msg).toContain('measurements are withheld until it clears')
    const withheld = await until(
      'two rounds of withheld measurements at C',
      () => {
        const rounds = new Set(
          logs(c)
            .filter((l) => l.reason === 'IPNI_UNREACHABLE')
            .map((l) => l.round as number),
        )
        return rounds.size >= 2 ? [...rounds] : undefined
      },
      10 * ROUND_MS,
    )
    expect(logs(c).filter((l) => l.msg.startsWith('local fault IPNI_UNREACHABLE:'))).toHaveLength(1)
    expect(logs(c).filter((l) => l.msg.includes('measurement published'))).toEqual([])
    expect(logs(c).filter((l) => l.retrievalResult === 'IPNI_ERROR_FETCH' && l.reason === 'IPNI_UNREACHABLE').length).toBeGreaterThan(0)

    // …and shows it: /api/status, /metrics and the status page's banner
    const shown = (await status(c.api)).localFaults ?? []
    expect(shown.map((f) => f.code)).toEqual(['IPNI_UNREACHABLE'])
    expect(shown[0]?.message).toContain(`the indexer ${cut.url} cannot be reached`)
    expect(await metric(c.api, 'spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}')).toBe(1)
    // its withheld tasks are recorded as such: checked, nothing published
    const task = await until(
      "a local-fault task in C's status",
      async () => (await status(c.api)).tasks.find((t) => t.status === 'local-fault'),
      3 * ROUND_MS,
    )
    expect(task.retrievalResult).toBe('IPNI_ERROR_FETCH')
    expect(await metric(c.api, 'spark_swarm_local_fault{fault="CLOCK_OFF"}')).toBe(0)
    expect(await metric(c.api, 'spark_swarm_measurements_withheld_total{reason="IPNI_UNREACHABLE"}')).toBeGreaterThan(0)
    expect(await metric(a.api, 'spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}')).toBe(0)
    browser = await launchChromium()
    const page = await browser.newPage()
    await page.goto(`${c.api}/`)
    const banner = page.getByTestId('local-fault')
    await banner.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await banner.textContent()).toMatch(
      /LOCAL FAULT IPNI_UNREACHABLE since .*: the indexer http:\/\/127\.0\.0\.1:\d+ cannot be reached.*withheld, not blamed on providers.*What to do: check that this host reaches the indexer/,
    )

    // A and B evaluated those rounds with the healthy provider at 100 % per request: C blamed it for nothing
    const cutRounds = withheld.filter((r) => r > Math.min(...withheld))
    for (const node of [a, b]) {
      const evaluated = await until(
        `${node.name}'s evaluation of the rounds C withheld`,
        async () => {
          const s = await status(node.api)
          const of = s.rounds.filter((r) => cutRounds.includes(r.round))
          return of.length === cutRounds.length ? of : undefined
        },
        6 * ROUND_MS,
      )
      for (const r of evaluated) {
        expect(r.providers[MINER]?.perRequest, `${node.name}, round ${r.round}`).toBe(1)
        expect(r.providers[MINER]?.total, `${node.name}, round ${r.round}`).toBeGreaterThan(0)
      }
    }

    // the indexer is back: C clears the fault by itself and publishes again, without a restart
    await cut.restore()
    await until('the fault cleared at C', () => logs(c).find((l) => l.msg.startsWith('local fault IPNI_UNREACHABLE cleared')), 6 * ROUND_MS)
    const published = await until(
      'a measurement published by C',
      () => logs(c).find((l) => l.msg.includes('measurement published')),
      6 * ROUND_MS,
    )
    expect(published.retrievalResult).toBe('OK')
    await until(
      "no local fault in C's status",
      async () => ((await status(c.api)).localFaults?.length === 0 ? true : undefined),
      3 * ROUND_MS,
    )
    expect(await metric(c.api, 'spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}')).toBe(0)
    await banner.waitFor({ state: 'hidden', timeout: 10_000 })
  }, 120_000)
})
