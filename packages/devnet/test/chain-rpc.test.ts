import { afterEach, describe, expect, it } from 'vitest'
import { type FakeChainRpc, marketSample, startFakeChainRpc } from '../src/index.js'

const PEER = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'
let rpc: FakeChainRpc | undefined
afterEach(async () => {
  await rpc?.stop()
  rpc = undefined
})

async function call(method: string, params: unknown[] = [], url = rpc!.url): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }),
    signal: AbortSignal.timeout(5_000),
  })
}

describe('fake chain RPC', () => {
  it('answers ChainHead and StateMinerInfo like Lotus', async () => {
    rpc = await startFakeChainRpc({ miners: { f01000: PEER } })
    expect(rpc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rpc\/v1$/)
    const head = (await (await call('Filecoin.ChainHead')).json()) as {
      id: number
      result: { Cids: Array<{ '/': string }>; Height: number }
    }
    expect(head.id).toBe(7)
    expect(head.result.Height).toBe(4_000_000)
    expect(head.result.Cids[0]!['/']).toMatch(/^bafy/)
    const info = (await (await call('Filecoin.StateMinerInfo', ['f01000', head.result.Cids])).json()) as {
      result: { PeerId: string; Owner: string; Worker: string }
    }
    expect(info.result.PeerId).toBe(PEER)
    expect(info.result.Owner).toMatch(/^f0\d+$/)
    expect(rpc.calls.map((c) => c.method)).toEqual(['Filecoin.ChainHead', 'Filecoin.StateMinerInfo'])
  })

  it('answers StateMarketDeals with the market, in Lotus field names', async () => {
    const sample = await marketSample(4_000_000)
    rpc = await startFakeChainRpc({ miners: sample.miners, deals: sample.deals })
    const deals = (await (await call('Filecoin.StateMarketDeals', [null])).json()) as {
      result: Record<string, { Proposal: { PieceCID: { '/': string }; Provider: string }; State: { SlashEpoch: number } }>
    }
    expect(Object.keys(deals.result)).toHaveLength(Object.keys(sample.deals).length)
    const first = Object.values(deals.result)[0]!
    expect(first.Proposal.PieceCID['/']).toMatch(/^baga6ea4sea/)
    expect(first.Proposal.Provider).toBe('f01000')
    expect(first.State.SlashEpoch).toBe(-1)
    const bad = (await (await call('Filecoin.StateMarketDeals', ['f01000'])).json()) as { error: { code: number } }
    expect(bad.error.code).toBe(-32602)
    rpc.setDeals({})
    expect(((await (await call('Filecoin.StateMarketDeals', [[]])).json()) as { result: object }).result).toEqual({})
  })

  it('answers a JSON-RPC error for unknown miners and methods', async () => {
    rpc = await startFakeChainRpc({ miners: {} })
    const res = await call('Filecoin.StateMinerInfo', ['f09999', null])
    expect(res.status).toBe(200)
    const json = (await res.json()) as { jsonrpc: string; id: number; error: { code: number; message: string } }
    expect(json).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: 1 } })
    expect(json.error.message).toMatch(/actor not found/)
    const unknown = (await (await call('Filecoin.Nope')).json()) as { error: { code: number } }
    expect(unknown.error.code).toBe(-32601)
    rpc.setMiner('f09999', null)
    const noPeer = (await (await call('Filecoin.StateMinerInfo', ['f09999', null])).json()) as { result: { PeerId: null } }
    expect(noPeer.result.PeerId).toBeNull()
  })

  it('error, down and flaky modes', async () => {
    rpc = await startFakeChainRpc({ miners: { f01000: PEER } })
    await rpc.setMode({ kind: 'error', status: 502 })
    expect((await call('Filecoin.ChainHead')).status).toBe(502)

    await rpc.setMode({ kind: 'down' })
    const err = await call('Filecoin.ChainHead').catch((e: Error & { cause?: { code?: string } }) => e)
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED')

    await rpc.setMode({ kind: 'flaky', failFirst: 2 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await call('Filecoin.StateMinerInfo', ['f01000', null])).status)
    expect(statuses).toEqual([503, 503, 200, 200])
    expect(rpc.calls.slice(-4).map((c) => c.answer)).toEqual(['http-503', 'http-503', 'result', 'result'])
  })
})
