import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Catalogue, catalogueCid, devnet, PARAMS_NOTICE_ROUNDS, roundAt, TRACKER_CATALOGUE_PATH } from '@spark-swarm/protocol'
import { startTracker, type TrackerLogger } from '@spark-swarm/tracker'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { jsonLogs, spawnCli, untilFrom } from './cli-process.js'
import { e2eWorld } from './helpers/e2e-world.js'

/*
 * Issue 13, item 2 in part: a node given only the tracker (and the outside world's URLs: indexer,
 * chain) gets params and catalogue from the network. The tracker serves the catalogue its config
 * names and publishes its CID in the params; the node fetches it by that CID, checks it by
 * hashing, checks and anchors; an announced new catalogue is followed at its round.
 */

const ROUND_MS = 3_000
let tracker: Awaited<ReturnType<typeof startTracker>> | undefined
const nodes: Array<ReturnType<typeof spawnCli>> = []
const quiet: TrackerLogger = { info: () => {}, warn: () => {} }

const e2e = e2eWorld({
  name: 'join-tracker',
  seed: 'join with the tracker',
  blocksPerProvider: 3,
  stop: async () => {
    for (const node of nodes) await node.stop()
    await tracker?.stop()
  },
})

describe('joining with the tracker alone', () => {
  it('gets the catalogue by the CID in the params, checks, anchors, and follows an announced new catalogue', async () => {
    const w = e2e.world
    const all = w.catalogue.entries
    const first: Catalogue = { entries: all.slice(0, 2) }
    const second: Catalogue = { entries: all.slice(1) }
    await writeFile(join(e2e.dir, 'first.json'), JSON.stringify(first))
    await writeFile(join(e2e.dir, 'second.json'), JSON.stringify(second))
    const overrides = { genesisTime: Date.now(), roundDurationMs: ROUND_MS, gracePeriodMs: 600, tasksPerRound: 2, minCommitteeSize: 1 }
    const configPath = join(e2e.dir, 'tracker.json')
    const base = { preset: 'devnet', params: overrides, bootstrap: [], catalogue: 'first.json' }
    await writeFile(configPath, JSON.stringify(base))
    tracker = await startTracker({ configPath, reloadIntervalMs: 0, logger: quiet })
    const t = tracker
    const firstCid = (await catalogueCid(first)).toString()

    // the tracker publishes the catalogue's CID and serves the block that hashes to it
    const network = (await (await fetch(`${t.url}/v1/network`)).json()) as { params: { catalogueCid: string } }
    expect(network.params.catalogueCid).toBe(firstCid)
    const served = await fetch(`${t.url}${TRACKER_CATALOGUE_PATH}?cid=${firstCid}`)
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'application/vnd.ipld.dag-cbor'])
    expect((await fetch(`${t.url}${TRACKER_CATALOGUE_PATH}?cid=bafynotthis`)).status).toBe(404)

    const node = spawnCli([
      'start',
      ...['--tracker', t.url, '--indexer', w.ipniUrl, '--rpc', w.rpcUrl, '--data-dir', join(e2e.dir, 'node')],
      ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', '10.2.1.0/24', '--log-level', 'info'],
    ])
    nodes.push(node)
    const until = <T>(what: string, pred: () => T | undefined, timeoutMs: number) => untilFrom(nodes, what, pred, timeoutMs)
    const fetched = await until('the catalogue fetched', () => jsonLogs(node).find((l) => l.msg === 'catalogue from the tracker'), 20_000)
    expect([fetched.catalogueCid, fetched.entries]).toEqual([firstCid, 2])
    // no --network (the CLI's default is mainnet), but the tracker's network is a devnet: no Amino
    await node.waitForLine(/^ {2}status /)
    expect(node.lines.filter((l) => l.startsWith('  amino'))).toEqual([])
    await until('a round anchored', () => jsonLogs(node).find((l) => /^round \d+: summary anchored$/.test(l.msg)), 6 * ROUND_MS)

    // a new catalogue, announced: the node fetches it and restarts on it at its round
    const fromRound = roundAt({ ...devnet, ...overrides }, Date.now()) + PARAMS_NOTICE_ROUNDS + 1
    await writeFile(configPath, JSON.stringify({ ...base, upcoming: { fromRound, params: {}, catalogue: 'second.json' } }))
    await t.reload()
    const secondCid = (await catalogueCid(second)).toString()
    const next = await until(
      'the new catalogue fetched',
      () => jsonLogs(node).find((l) => l.msg === 'catalogue from the tracker' && l.catalogueCid === secondCid),
      (PARAMS_NOTICE_ROUNDS + 4) * ROUND_MS,
    )
    expect(next.entries).toBe(second.entries.length)
    const anchoredAfter = await until(
      `a round from ${fromRound} anchored`,
      () => jsonLogs(node).find((l) => Number((/^round (\d+): summary anchored$/.exec(l.msg) ?? [])[1]) >= fromRound),
      6 * ROUND_MS,
    )
    expect(anchoredAfter).toBeDefined()
  }, 60_000)

  it('restarted while the tracker is down, it starts on the catalogue it kept, as on the params it kept', async () => {
    const w = e2e.world
    const [first] = nodes.splice(0)
    expect(await first?.stop()).toBe(0)
    const url = (tracker as NonNullable<typeof tracker>).url
    await tracker?.stop()
    tracker = undefined
    const node = spawnCli([
      'start',
      ...['--tracker', url, '--indexer', w.ipniUrl, '--rpc', w.rpcUrl, '--data-dir', join(e2e.dir, 'node')],
      ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', '10.2.1.0/24', '--log-level', 'info'],
    ])
    nodes.push(node)
    const kept = await untilFrom(
      nodes,
      'the kept catalogue used',
      () => jsonLogs(node).find((l) => l.msg === 'catalogue from the data dir: the tracker did not give it'),
      20_000,
    )
    expect(kept.error).toMatch(/TRACKER_UNREACHABLE|unreachable/)
    // the params it followed (the announced catalogue), not those it joined with
    const second: Catalogue = { entries: w.catalogue.entries.slice(1) }
    expect(kept.catalogueCid).toBe((await catalogueCid(second)).toString())
    await node.waitForLine(/^ {2}status {5}http:\/\/127\.0\.0\.1:\d+\//, 20_000)
  }, 40_000)
})

/*
 * Issue 13, item A: the catalogue from peers over bitswap. Node A gets the catalogue from the
 * tracker; the tracker then stops serving it (its config names the CID in the params but no file:
 * /v1/catalogue answers 404, /v1/network goes on). Node B, given the tracker and A as its bootstrap
 * peer, gets the block from A over bitswap, checks it by hashing, then checks and anchors a round.
 */
describe('the catalogue from peers when the tracker does not serve it', () => {
  let own: Awaited<ReturnType<typeof startTracker>> | undefined
  // what the first test leaves for the second: the tracker's config, node A's address
  let shared: {
    configPath: string
    overrides: Record<string, number>
    cid: string
    addrA: string
    args: (n: string, g: string) => string[]
  }
  afterAll(async () => {
    await own?.stop()
  })

  it('a node joining with the tracker and a bootstrap peer gets it from the peer, checks and anchors', async () => {
    const w = e2e.world
    const catalogue: Catalogue = { entries: w.catalogue.entries.slice(0, 2) }
    const cid = (await catalogueCid(catalogue)).toString()
    await writeFile(join(e2e.dir, 'peers.json'), JSON.stringify(catalogue))
    const overrides = { genesisTime: Date.now(), roundDurationMs: ROUND_MS, gracePeriodMs: 600, tasksPerRound: 2, minCommitteeSize: 1 }
    const configPath = join(e2e.dir, 'tracker-peers.json')
    await writeFile(configPath, JSON.stringify({ preset: 'devnet', params: overrides, bootstrap: [], catalogue: 'peers.json' }))
    own = await startTracker({ configPath, reloadIntervalMs: 0, logger: quiet })
    const url = own.url
    const args = (name: string, group: string) => [
      'start',
      ...['--tracker', url, '--indexer', w.ipniUrl, '--rpc', w.rpcUrl, '--data-dir', join(e2e.dir, name)],
      ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', group, '--log-level', 'info'],
    ]
    const a = spawnCli(args('peer-a', '10.3.1.0/24'))
    nodes.push(a)
    const until = <T>(what: string, pred: () => T | undefined, timeoutMs: number) => untilFrom(nodes, what, pred, timeoutMs)
    await until('A got the catalogue from the tracker', () => jsonLogs(a).find((l) => l.msg === 'catalogue from the tracker'), 20_000)
    const addrA = (await a.waitForLine(/^ {2}listening {2}(\S+\/p2p\/\S+)/, 20_000))[1] as string

    // the tracker keeps the params (same CID, same digest) but serves the catalogue no more
    await writeFile(configPath, JSON.stringify({ preset: 'devnet', params: { ...overrides, catalogueCid: cid }, bootstrap: [] }))
    await own.reload()
    expect((await fetch(`${url}${TRACKER_CATALOGUE_PATH}?cid=${cid}`)).status).toBe(404)
    const network = (await (await fetch(`${url}/v1/network`)).json()) as { params: { catalogueCid: string } }
    expect(network.params.catalogueCid).toBe(cid)

    const b = spawnCli([...args('peer-b', '10.3.2.0/24'), '--bootstrap', addrA])
    nodes.push(b)
    const got = await until(
      'B got the catalogue from A',
      () => jsonLogs(b).find((l) => l.msg === 'catalogue from peers: the tracker did not give it'),
      30_000,
    )
    expect([got.catalogueCid, got.entries, got.peersReached]).toEqual([cid, 2, 1])
    expect(got.error).toMatch(/CATALOGUE_UNKNOWN|404/)
    await until('B published a measurement', () => jsonLogs(b).find((l) => /^round \d+: measurement published$/.test(l.msg)), 6 * ROUND_MS)
    await until('B anchored a round', () => jsonLogs(b).find((l) => /^round \d+: summary anchored$/.test(l.msg)), 6 * ROUND_MS)
    shared = { configPath, overrides, cid, addrA, args }
  }, 60_000)

  it('an announced catalogue: fetched and shared ahead of its round, so a node the tracker refuses gets it from a peer', async () => {
    const w = e2e.world
    const t = own as NonNullable<typeof own>
    const { configPath, overrides, cid, addrA, args } = shared
    const [a] = nodes.slice(-2)
    const next: Catalogue = { entries: w.catalogue.entries.slice(1, 3) }
    const nextCid = (await catalogueCid(next)).toString()
    await writeFile(join(e2e.dir, 'peers-next.json'), JSON.stringify(next))
    const fromRound = roundAt({ ...devnet, ...overrides }, Date.now()) + PARAMS_NOTICE_ROUNDS + 3
    const base = { preset: 'devnet', params: { ...overrides, catalogueCid: cid }, bootstrap: [] }
    await writeFile(configPath, JSON.stringify({ ...base, upcoming: { fromRound, params: {}, catalogue: 'peers-next.json' } }))
    await t.reload()
    const until = <T>(what: string, pred: () => T | undefined, timeoutMs: number) => untilFrom(nodes, what, pred, timeoutMs)
    const log = (node: ReturnType<typeof spawnCli>, msg: string, catalogue: string) => () =>
      jsonLogs(node).find((l) => l.msg === msg && l.catalogueCid === catalogue)
    // A sees the announcement at a round start, fetches the new catalogue from the tracker and shares it
    await until(
      'A fetched and shared the announced catalogue',
      log(a as ReturnType<typeof spawnCli>, 'announced catalogue fetched and shared with peers', nextCid),
      2 * ROUND_MS,
    )

    // the same announcement (same params, same digest), but the tracker serves neither catalogue now
    await writeFile(configPath, JSON.stringify({ ...base, upcoming: { fromRound, params: { catalogueCid: nextCid } } }))
    await t.reload()
    expect((await fetch(`${t.url}${TRACKER_CATALOGUE_PATH}?cid=${nextCid}`)).status).toBe(404)
    const network = (await (await fetch(`${t.url}/v1/network`)).json()) as { upcoming?: { params: { catalogueCid: string } } }
    expect(network.upcoming?.params.catalogueCid).toBe(nextCid)

    const c = spawnCli([...args('peer-c', '10.3.3.0/24'), '--bootstrap', addrA])
    nodes.push(c)
    const got = await until(
      'C got the announced catalogue from A',
      log(c, 'catalogue from peers: the tracker did not give it', nextCid),
      3 * ROUND_MS,
    )
    expect(got.entries).toBe(next.entries.length)
    // at the announced round C restarts on it without asking anyone, then checks and anchors
    await until(
      `C anchored a round from ${fromRound}`,
      () => jsonLogs(c).find((l) => Number((/^round (\d+): summary anchored$/.exec(l.msg) ?? [])[1]) >= fromRound),
      (PARAMS_NOTICE_ROUNDS + 8) * ROUND_MS,
    )
    expect(jsonLogs(c).filter((l) => l.catalogueCid === nextCid && /^catalogue from/.test(l.msg))).toHaveLength(1)
  }, 90_000)

  it('neither the tracker nor a peer: start exits 1, saying why for both, with the peers’ code', async () => {
    const w = e2e.world
    const url = (own as NonNullable<typeof own>).url
    const run = await runCli(
      [
        'start',
        ...['--tracker', url, '--indexer', w.ipniUrl, '--rpc', w.rpcUrl, '--data-dir', join(e2e.dir, 'peer-none')],
        ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--inet-group', '10.3.4.0/24'],
      ],
      { timeoutMs: 20_000 },
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /answered HTTP 404: .*CATALOGUE_UNKNOWN.*; nor from peers: catalogue \S+: no peers to ask .*\[CATALOGUE_UNAVAILABLE\]\n$/,
    )
  }, 30_000)
})
