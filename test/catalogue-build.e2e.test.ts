import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeChainRpc, type MarketSample, marketSample, startFakeChainRpc } from '@spark-swarm/devnet'
import { catalogueCid, validateCatalogue } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

/*
 * `spark-swarm catalogue build` (issue 13, item 3) through the built binary, against the devnet's
 * fake Lotus serving a small market with mainnet's oddities and verified-registry claims (DDO and
 * deals' own): which deals become entries, why the others and every claim are dropped, that two builds are the same bytes and CID, and the errors an operator sees
 * for an endpoint that is down or that is not Lotus.
 */

const HEIGHT = 4_000_000
let dir: string
let sample: MarketSample
let rpc: FakeChainRpc
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-catalogue-'))
  sample = await marketSample(HEIGHT)
  rpc = await startFakeChainRpc({ miners: sample.miners, deals: sample.deals, claims: sample.claims, height: HEIGHT })
})
afterAll(async () => {
  await rpc?.stop()
  await rm(dir, { recursive: true, force: true })
})

const NO_STACK = /\n\s+at |unexpected error/

describe('spark-swarm catalogue build', () => {
  it('keeps one entry per (payload CID, miner) of the eligible deals, with peer ids, and says why the rest were dropped', async () => {
    const out = join(dir, 'catalogue.json')
    const run = await runCli(['catalogue', 'build', '--rpc', rpc.url, '--out', out, '--json'])
    expect(run.stderr).not.toMatch(NO_STACK)
    expect(run.code).toBe(0)
    const catalogue = validateCatalogue(JSON.parse(await readFile(out, 'utf8')))
    expect(catalogue.entries).toEqual(sample.expected)
    const stats = JSON.parse(run.stdout)
    expect(stats).toEqual({
      height: HEIGHT,
      dealsRead: Object.keys(sample.deals).length,
      kept: sample.expected.length,
      dropped: sample.dropped,
      claimsRead: Object.keys(sample.claims).length,
      claimsDropped: sample.claimsDropped,
      miners: 3,
      minersWithoutPeerId: 1,
      catalogueCid: (await catalogueCid({ entries: sample.expected })).toString(),
    })
    // progress and the summary go to stderr, never into the catalogue or the stats
    expect(run.stderr).toMatch(/deals read/)
    expect(run.stderr).toContain(stats.catalogueCid)
    // everything was read at the head's tipset
    const methods = rpc.calls.map((c) => c.method)
    expect(methods.slice(0, 3)).toEqual(['Filecoin.ChainHead', 'Filecoin.StateMarketDeals', 'Filecoin.StateGetAllClaims'])
    const tipsetOf = (method: string) => (rpc.calls.find((c) => c.method === method)?.params as unknown[] | undefined)?.[0]
    expect(tipsetOf('Filecoin.StateGetAllClaims')).toEqual(tipsetOf('Filecoin.StateMarketDeals'))
    // DDO claims name a piece, never a payload CID: counted, and said so in the summary line
    expect(run.stderr).toMatch(/6 claims, none an entry \(dropped: 1 expired, 2 market-deal, 3 ddo-no-payload-cid\)/)
    expect(methods.filter((m) => m === 'Filecoin.StateMinerInfo')).toHaveLength(3)
  })

  it('gives the same bytes and the same catalogue CID on every build of the same state', async () => {
    const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')]
    const first = await runCli(['catalogue', 'build', '--rpc', rpc.url, '--out', a, '--json'])
    const second = await runCli(['catalogue', 'build', '--rpc', rpc.url, '--out', b, '--json'])
    expect([first.code, second.code]).toEqual([0, 0])
    expect(JSON.parse(second.stdout).catalogueCid).toBe(JSON.parse(first.stdout).catalogueCid)
    expect(await readFile(b, 'utf8')).toBe(await readFile(a, 'utf8'))
    // without --out the catalogue is stdout, the same bytes as the file
    const piped = await runCli(['catalogue', 'build', '--rpc', rpc.url])
    expect(piped.code).toBe(0)
    expect(piped.stdout).toBe(await readFile(a, 'utf8'))
  })

  it('builds the deals’ catalogue from a Lotus without StateGetAllClaims, saying the claims were not read', async () => {
    const older = await startFakeChainRpc({ miners: sample.miners, deals: sample.deals, claims: null, height: HEIGHT })
    try {
      const out = join(dir, 'older.json')
      const run = await runCli(['catalogue', 'build', '--rpc', older.url, '--out', out, '--json'])
      expect(run.code).toBe(0)
      const stats = JSON.parse(run.stdout)
      expect([stats.claimsRead, stats.claimsDropped, stats.kept]).toEqual([null, {}, sample.expected.length])
      expect(stats.claimsUnread).toMatch(/Filecoin\.StateGetAllClaims failed: method 'Filecoin\.StateGetAllClaims' not found/)
      expect(run.stderr).toMatch(/claims not read \(.*\): the catalogue is the deals' alone/)
      expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({ entries: sample.expected })
    } finally {
      await older.stop()
    }
  })

  it('says the endpoint cannot be reached, and what to do, when --rpc is down', async () => {
    const down = await startFakeChainRpc({ miners: {} })
    await down.setMode({ kind: 'down' })
    try {
      const run = await runCli(['catalogue', 'build', '--rpc', down.url, '--out', join(dir, 'never.json')])
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/cannot read the chain from http:\/\/127\.0\.0\.1:\d+\/rpc\/v1: .*check that --rpc is a reachable Lotus/)
      expect(run.stderr).toMatch(/\[CHAIN_UNREACHABLE\]\n$/)
      expect(run.stderr).not.toMatch(NO_STACK)
      expect(run.stdout).toBe('')
    } finally {
      await down.stop()
    }
  })

  it('says the answer is not Lotus when StateMarketDeals has the wrong shape', async () => {
    const notLotus = await startNotLotus()
    try {
      const run = await runCli(['catalogue', 'build', '--rpc', notLotus.url])
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(
        /did not answer as a Lotus full node: Filecoin\.StateMarketDeals did not return a map of deal id to deal \(got an array\)/,
      )
      expect(run.stderr).toMatch(/check that --rpc points at Lotus/)
      expect(run.stderr).toMatch(/\[CHAIN_BAD_ANSWER\]\n$/)
      expect(run.stderr).not.toMatch(NO_STACK)
      expect(run.stdout).toBe('')
    } finally {
      await new Promise((resolve) => notLotus.server.close(resolve))
    }
  })

  it('says the answer is not Lotus when StateMarketDeals is not JSON, or a JSON-RPC error', async () => {
    for (const [body, said] of [
      ['{"jsonrpc":"2.0","id":2,"result":{"1":{"Proposal":', /unreadable answer after \d+ bytes: the answer ended before its JSON did/],
      ['<html>rate limited</html>', /unreadable answer after 25 bytes: the answer is not a JSON-RPC object/],
      [
        '{"jsonrpc":"2.0","id":2,"error":{"code":1,"message":"tipset not found"}}',
        /Filecoin\.StateMarketDeals failed: tipset not found \(code 1\)/,
      ],
    ] as const) {
      const notLotus = await startNotLotus(body)
      try {
        const run = await runCli(['catalogue', 'build', '--rpc', notLotus.url])
        expect(run.code).toBe(1)
        expect(run.stderr).toMatch(said)
        expect(run.stderr).toMatch(/\[CHAIN_BAD_ANSWER\]\n$/)
        expect(run.stderr).not.toMatch(NO_STACK)
      } finally {
        await new Promise((resolve) => notLotus.server.close(resolve))
      }
    }
  })

  it('refuses an empty catalogue, --json without --out, and an --rpc that is no URL', async () => {
    const empty = await startFakeChainRpc({ miners: sample.miners, deals: {} })
    try {
      const run = await runCli(['catalogue', 'build', '--rpc', empty.url])
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/no deal .* is eligible \(0 read, none dropped\).*\[CATALOGUE_EMPTY\]/)
    } finally {
      await empty.stop()
    }
    const usage = await runCli(['catalogue', 'build', '--rpc', rpc.url, '--json'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/give --out <file>/)
    const notUrl = await runCli(['catalogue', 'build', '--rpc', 'lotus.example:1234'])
    expect(notUrl.code).toBe(2)
    expect(notUrl.stderr).toMatch(/--rpc lotus\.example:1234 is not an http\(s\) URL: give a Lotus endpoint/)
  })
})

/**
 * A JSON-RPC server that answers ChainHead as Lotus does but StateMarketDeals with a list, or
 * with the raw text `dealsBody`.
 */
async function startNotLotus(dealsBody?: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      const { id, method } = JSON.parse(body) as { id: number; method: string }
      if (method !== 'Filecoin.ChainHead' && dealsBody !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(dealsBody)
        return
      }
      const result =
        method === 'Filecoin.ChainHead'
          ? { Cids: [{ '/': 'bafy2bzacedevnetnotlotus' }], Blocks: [], Height: HEIGHT }
          : [{ DealID: 1, Label: 'bafy' }]
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}/rpc/v1` }
}
