import type { CatalogueEntry } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createRpcMinerResolver, createStaticMinerResolver, RetrievalError } from '../src/index.js'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { type LocalFaultDetail, LocalFaults } from '../src/node/health/local-faults.js'
import { watchLotus } from '../src/node/health/lotus-watch.js'
import { closedPort, type LocalServer, startServer } from './helpers/local-server.js'

const PEER = '12D3KooWC8gXxg9LoJ9h3hy3jzBkEAxamyHEQJKtRmAuBuvoMzpr'
const HEAD_CIDS = [{ '/': 'bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2' }]
const fast = { minBackoffMs: 5, maxBackoffMs: 20 }

interface RpcRequest {
  method: string
  params: unknown[]
  id: number
}

let server: LocalServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A Lotus-like JSON-RPC server; `fail(n)` may answer the nth request itself (HTTP status) instead. */
async function lotus(miners: Record<string, string | null>, fail: (n: number) => number | undefined = () => undefined) {
  let n = 0
  server = await startServer((_req, res, body) => {
    const status = fail(++n)
    if (status !== undefined) {
      res.writeHead(status).end('unavailable')
      return
    }
    const { method, params, id } = JSON.parse(body) as RpcRequest
    const reply = (payload: object) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, ...payload }))
    if (method === 'Filecoin.ChainHead') return reply({ result: { Cids: HEAD_CIDS, Height: 4_000_000 } })
    if (method === 'Filecoin.StateMinerInfo') {
      const [minerId] = params as [string]
      if (!(minerId in miners)) return reply({ error: { code: 1, message: `resolution lookup failed (${minerId}): actor not found` } })
      return reply({ result: { Owner: 'f01', PeerId: miners[minerId] } })
    }
    reply({ error: { code: -32601, message: 'method not found' } })
  })
  return server
}

const rpcBodies = () => (server?.requests ?? []).filter((r) => r.body !== '').map((r) => JSON.parse(r.body) as RpcRequest)

async function rejection(promise: Promise<unknown>): Promise<RetrievalError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(RetrievalError)
  return err as RetrievalError
}

describe('createRpcMinerResolver', () => {
  it('asks ChainHead, then StateMinerInfo at that head, and returns PeerId', async () => {
    const { url } = await lotus({ f01234: PEER })
    const resolver = createRpcMinerResolver({ rpcUrl: url, token: 's3cret', ...fast })
    expect(await resolver.resolve('f01234')).toBe(PEER)
    const calls = rpcBodies()
    expect(calls.map((c) => c.method)).toEqual(['Filecoin.ChainHead', 'Filecoin.StateMinerInfo'])
    expect(calls[1]?.params).toEqual(['f01234', HEAD_CIDS])
    expect(server?.requests[0]?.headers.authorization).toBe('Bearer s3cret')
    expect(server?.requests[0]?.headers['content-type']).toBe('application/json')
  })

  it('retries transient failures (5xx, 429) with backoff', async () => {
    const { url } = await lotus({ f01234: PEER }, (n) => (n === 1 ? 503 : n === 2 ? 429 : undefined))
    expect(await createRpcMinerResolver({ rpcUrl: url, ...fast }).resolve('f01234')).toBe(PEER)
    expect(server?.requests).toHaveLength(4)
  })

  it('does not retry a JSON-RPC error such as an unknown miner', async () => {
    const { url } = await lotus({})
    const err = await rejection(createRpcMinerResolver({ rpcUrl: url, ...fast }).resolve('f09999'))
    expect(err.code).toBe('RPC_FAILURE')
    expect(err.message).toContain('actor not found')
    expect(rpcBodies().filter((c) => c.method === 'Filecoin.StateMinerInfo')).toHaveLength(1)
  })

  it('fails without retrying when the miner has no peer id', async () => {
    const { url } = await lotus({ f01234: null })
    const err = await rejection(createRpcMinerResolver({ rpcUrl: url, ...fast }).resolve('f01234'))
    expect(err.code).toBe('RPC_FAILURE')
    expect(server?.requests).toHaveLength(2)
  })

  it('fails with RPC_FAILURE after retries + 1 attempts when the RPC is down', async () => {
    const { url } = await lotus({ f01234: PEER }, () => 502)
    const err = await rejection(createRpcMinerResolver({ rpcUrl: url, retries: 3, ...fast }).resolve('f01234'))
    expect(err.code).toBe('RPC_FAILURE')
    expect(server?.requests).toHaveLength(4)

    const began = Date.now()
    const refused = await rejection(createRpcMinerResolver({ rpcUrl: `http://127.0.0.1:${await closedPort()}`, ...fast }).resolve('f01234'))
    expect(refused.code).toBe('RPC_FAILURE')
    expect(refused.message).toContain('ECONNREFUSED')
    expect(Date.now() - began).toBeLessThan(2_000)
  })

  it('stops within totalTimeoutMs when the RPC hangs', async () => {
    server = await startServer(() => {}) // accepts, never answers
    const began = Date.now()
    const err = await rejection(createRpcMinerResolver({ rpcUrl: server.url, totalTimeoutMs: 300, ...fast }).resolve('f01234'))
    expect(err.code).toBe('RPC_FAILURE')
    expect(Date.now() - began).toBeLessThan(1_500)
  })

  it('bounds each attempt so that a hung one leaves time to retry', async () => {
    let n = 0
    server = await startServer((_req, res, body) => {
      if (++n === 1) return // the first request hangs
      const { id, method } = JSON.parse(body) as RpcRequest
      const result = method === 'Filecoin.ChainHead' ? { Cids: HEAD_CIDS } : { PeerId: PEER }
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', id, result }))
    })
    const resolver = createRpcMinerResolver({ rpcUrl: server.url, attemptTimeoutMs: 100, totalTimeoutMs: 2_000, ...fast })
    expect(await resolver.resolve('f01234')).toBe(PEER)
    expect(n).toBe(3)
  })

  it('rejects with the reason when its signal aborts', async () => {
    server = await startServer(() => {})
    const controller = new AbortController()
    const pending = createRpcMinerResolver({ rpcUrl: server.url, ...fast }).resolve('f01234', { signal: controller.signal })
    controller.abort(new Error('stopping'))
    await expect(pending).rejects.toThrow('stopping')
  })
})

describe('createStaticMinerResolver', () => {
  it('resolves from catalogue entries that carry providerId', async () => {
    const catalogue: CatalogueEntry[] = [
      { cid: 'bafy1', minerId: 'f01', providerId: PEER },
      { cid: 'bafy2', minerId: 'f01', providerId: PEER },
      { cid: 'bafy3', minerId: 'f02' },
    ]
    const resolver = createStaticMinerResolver(catalogue)
    expect(await resolver.resolve('f01')).toBe(PEER)
    const err = await rejection(resolver.resolve('f02'))
    expect(err.code).toBe('RPC_FAILURE')
  })

  it('resolves from a record, and refuses two peer ids for one miner', async () => {
    expect(await createStaticMinerResolver({ f07: PEER }).resolve('f07')).toBe(PEER)
    expect(() =>
      createStaticMinerResolver([
        { minerId: 'f01', providerId: PEER },
        { minerId: 'f01', providerId: '12D3KooWother' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_MINER_MAP' }))
  })
})

describe('LOTUS_UNREACHABLE (spec §5.4)', () => {
  it('is set when a lookup spent its retries without an answer, and cleared by the next answer', async () => {
    let down = true
    const rpc = await lotus({ f01000: PEER }, () => (down ? 503 : undefined))
    const events = new TypedEventTarget<CheckerNodeEvents>()
    const seen: LocalFaultDetail[] = []
    events.addEventListener('local-fault', (e) => seen.push(e.detail))
    const faults = new LocalFaults(events, () => 1_000)
    const watch = watchLotus(createRpcMinerResolver({ rpcUrl: rpc.url, retries: 1, ...fast }), rpc.url)
    watch.attach(faults)

    expect((await rejection(watch.resolver.resolve('f01000'))).code).toBe('RPC_FAILURE')
    expect(faults.list().map((f) => f.code)).toEqual(['LOTUS_UNREACHABLE'])
    expect(faults.list()[0]?.message).toMatch(new RegExp(`^the chain RPC ${rpc.url} cannot be reached: could not resolve miner f01000`))
    // a second failure says nothing new
    await rejection(watch.resolver.resolve('f01000'))
    expect(seen.map((s) => s.state)).toEqual(['set'])

    down = false
    expect(await watch.resolver.resolve('f01000')).toBe(PEER)
    expect(faults.list()).toEqual([])
    expect(seen.map((s) => `${s.state} ${s.code}`)).toEqual(['set LOTUS_UNREACHABLE', 'cleared LOTUS_UNREACHABLE'])
  })

  it('is not set by an answer that refuses the lookup (an unknown miner): the RPC is there', async () => {
    const rpc = await lotus({})
    const events = new TypedEventTarget<CheckerNodeEvents>()
    const faults = new LocalFaults(events, () => 1_000)
    const watch = watchLotus(createRpcMinerResolver({ rpcUrl: rpc.url, retries: 1, ...fast }), rpc.url)
    watch.attach(faults)
    expect((await rejection(watch.resolver.resolve('f09999'))).message).toContain('actor not found')
    expect(faults.list()).toEqual([])
  })
})
