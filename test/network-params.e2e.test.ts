import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { devnet, type NetworkInfo, PARAMS_NOTICE_ROUNDS, paramsDigest, roundAt } from '@spark-swarm/protocol'
import { startTracker, type TrackerLogger } from '@spark-swarm/tracker'
import { describe, expect, it } from 'vitest'
import { jsonLogs, spawnCli, untilFrom } from './cli-process.js'
import { e2eWorld } from './helpers/e2e-world.js'

/*
 * Issue 11, item 3: a change of the network's consensus params takes effect at an announced round
 * for every node, or is refused. Two `spark-swarm start` processes follow a tracker on loopback.
 * An unannounced change is refused by the tracker, which keeps serving the old params, and the
 * nodes go on on them; an announced one is followed by both nodes at its round, without an
 * operator: each restarts itself on the new params, and their committees confirm alike again.
 */

const ROUND_MS = 3_000
let tracker: Awaited<ReturnType<typeof startTracker>> | undefined
const nodes: Array<ReturnType<typeof spawnCli>> = []
const trackerLines: string[] = []
const trackerLog: TrackerLogger = {
  info: (message) => trackerLines.push(message),
  warn: (message, fields) => trackerLines.push(`${message} ${JSON.stringify(fields ?? {})}`),
}

const e2e = e2eWorld({
  name: 'network-params',
  seed: 'network params e2e',
  blocksPerProvider: 2,
  stop: async () => {
    for (const node of nodes) await node.stop()
    await tracker?.stop()
  },
})

type Node = ReturnType<typeof spawnCli> & { api: string; name: string }

const logs = (node: Node) => jsonLogs(node)
const until = <T>(what: string, pred: () => Promise<T | undefined> | T | undefined, timeoutMs: number) =>
  untilFrom(nodes, what, pred, timeoutMs)

const paramsOf = async (api: string) =>
  ((await (await fetch(`${api}/api/status`, { signal: AbortSignal.timeout(5_000) })).json()) as { params: { paramsDigest: string } }).params
const served = async (url: string) => (await (await fetch(`${url}/v1/network`)).json()) as NetworkInfo

interface RoundStatus {
  round: number
  committees: Array<{ cid: string; size: number; confirmed: boolean }>
}
const rounds = async (api: string) =>
  ((await (await fetch(`${api}/api/status`, { signal: AbortSignal.timeout(5_000) })).json()) as { rounds: RoundStatus[] }).rounds
const committeeCids = (r: RoundStatus) => r.committees.map((c) => c.cid).join(' ')

async function startNode(name: string, trackerUrl: string, catalogue: string, bootstrap: string[]): Promise<Node> {
  const w = e2e.world
  const cli = spawnCli([
    'start',
    ...['--tracker', trackerUrl, '--data-dir', join(e2e.dir, name), '--catalogue', catalogue, '--indexer', w.ipniUrl, '--rpc', w.rpcUrl],
    ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', `10.1.${nodes.length + 1}.0/24`, '--log-level', 'info'],
    ...bootstrap.flatMap((b) => ['--bootstrap', b]),
  ])
  nodes.push(cli)
  const [, api] = (await cli.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//, 30_000)) as RegExpMatchArray & [string, string]
  return Object.assign(cli, { api, name })
}

describe('network params', () => {
  it('an unannounced change is refused; an announced one is followed by every node at its round', async () => {
    const w = e2e.world
    const catalogue = join(e2e.dir, 'catalogue.json')
    await writeFile(catalogue, JSON.stringify(w.catalogue))
    const configPath = join(e2e.dir, 'tracker.json')
    const overrides = { genesisTime: Date.now(), roundDurationMs: ROUND_MS, gracePeriodMs: 600, tasksPerRound: 2, minCommitteeSize: 2 }
    const params = { ...devnet, ...overrides }
    const base = { preset: 'devnet', params: overrides, bootstrap: [] }
    await writeFile(configPath, JSON.stringify(base))
    tracker = await startTracker({ configPath, reloadIntervalMs: 0, logger: trackerLog })
    const t = tracker

    const a = await startNode('a', t.url, catalogue, [])
    const [, addr] = (await a.waitForLine(/^ {2}listening {2}(\S+)/)) as RegExpMatchArray & [string, string]
    const b = await startNode('b', t.url, catalogue, [addr])
    const before = paramsDigest(params)
    expect((await paramsOf(a.api)).paramsDigest).toBe(before)

    // (b) a change without an announcement: the tracker refuses it and keeps serving the old params
    await writeFile(configPath, JSON.stringify({ ...base, params: { ...overrides, tasksPerRound: 3 } }))
    await expect(t.reload()).rejects.toThrow(/refused: changes the params in force/)
    expect(trackerLines.some((l) => l.startsWith('tracker config reload failed: keeping the last good config'))).toBe(true)
    expect((await served(t.url)).paramsDigest).toBe(before)

    // (a) the same change, announced: both nodes see it coming, then follow it at its round
    const fromRound = roundAt(params, Date.now()) + PARAMS_NOTICE_ROUNDS + 1
    await writeFile(configPath, JSON.stringify({ ...base, upcoming: { fromRound, params: { tasksPerRound: 3 } } }))
    await t.reload()
    const after = paramsDigest({ ...params, tasksPerRound: 3 })
    expect((await served(t.url)).upcoming?.paramsDigest).toBe(after)
    for (const node of [a, b]) {
      await until(`${node.name} saw the announcement`, () => logs(node).find((l) => l.code === 'PARAMS_ANNOUNCED'), 3 * ROUND_MS)
    }
    for (const node of [a, b]) {
      const [, digest, round] = (await node.waitForLine(
        /^network params changed \(\w{12} → (\w{12})\) in round (\d+): restarting the node on them$/,
        (PARAMS_NOTICE_ROUNDS + 4) * ROUND_MS,
      )) as RegExpMatchArray & [string, string, string]
      expect(digest).toBe(after.slice(0, 12))
      expect(Number(round)).toBe(fromRound)
    }
    // each prints its status again, on the same port, and its status names the new params
    for (const node of [a, b]) {
      await node.waitForLine(/^ {2}params {5}\w{12}, from round \d+$/, 30_000)
      const statusLines = await until(
        `${node.name}'s status line after the restart`,
        () => {
          const printed = node.lines.filter((l) => l.startsWith('  status     '))
          return printed.length >= 2 ? printed : undefined
        },
        5_000,
      )
      expect(statusLines).toHaveLength(2)
      expect(statusLines[1]).toContain(node.api)
      expect((await paramsOf(node.api)).paramsDigest).toBe(after)
    }
    // and the two work together again: a round on the new params whose committees both confirmed, alike
    const agreed = await until(
      'a round after the change confirmed alike at both nodes',
      async () => {
        const [ra, rb] = await Promise.all([rounds(a.api), rounds(b.api)])
        return ra.find((r) => {
          if (r.round <= fromRound || r.committees.length === 0 || !r.committees.every((c) => c.confirmed)) return false
          const other = rb.find((o) => o.round === r.round)
          return other?.committees.every((c) => c.confirmed) && committeeCids(other) === committeeCids(r)
        })
      },
      8 * ROUND_MS,
    )
    expect(agreed.committees.every((c) => c.size === 2)).toBe(true)
    // a node that stopped and joined again would have started from scratch: these never exited
    for (const node of [a, b]) expect(node.child.exitCode).toBeNull()
  }, 90_000)
})
