import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import {
  announceProvider,
  type FakeIpni,
  type FakeProvider,
  generateContent,
  IPNI_PROTOCOLS,
  type ProviderResultJson,
  startFakeIpni,
  startFakeProvider,
} from '../src/index.js'

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

async function ipni(): Promise<FakeIpni> {
  const i = await startFakeIpni()
  stops.push(() => i.stop())
  return i
}

async function lookup(i: FakeIpni, cid: CID | string, timeoutMs = 5_000): Promise<Response> {
  return fetch(`${i.url}/cid/${cid}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
}

function protocolOf(result: ProviderResultJson): number {
  return varint.decode(Buffer.from(result.Metadata, 'base64'))[0]
}

describe('fake IPNI', () => {
  it('answers announced http, bitswap and graphsync records in cid.contact shape', async () => {
    const i = await ipni()
    const blocks = await generateContent({ seed: 'ipni', count: 2 })
    const sp: FakeProvider = await startFakeProvider({ minerId: 'f01000', blocks })
    stops.push(() => sp.stop())
    announceProvider(
      i,
      sp,
      blocks.map((b) => b.cid),
      { graphsync: true },
    )

    const res = await lookup(i, blocks[0]!.cid)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const json = (await res.json()) as { MultihashResults: Array<{ Multihash: string; ProviderResults: ProviderResultJson[] }> }
    expect(json.MultihashResults).toHaveLength(1)
    const [result] = json.MultihashResults
    expect(Buffer.from(result!.Multihash, 'base64')).toEqual(Buffer.from(blocks[0]!.cid.multihash.bytes))
    const byProtocol = new Map(result!.ProviderResults.map((r) => [protocolOf(r), r]))
    expect([...byProtocol.keys()].sort()).toEqual([IPNI_PROTOCOLS.bitswap, IPNI_PROTOCOLS.graphsync, IPNI_PROTOCOLS.http].sort())
    expect(byProtocol.get(0x0920)!.Metadata).toBe('oBI=')
    expect(byProtocol.get(0x0900)!.Metadata).toBe('gBI=')
    expect(byProtocol.get(0x0920)!.Provider).toEqual({ ID: sp.peerId, Addrs: [sp.httpMultiaddr] })
    expect(byProtocol.get(0x0900)!.Provider.Addrs[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
    expect(Buffer.from(byProtocol.get(0x0920)!.ContextID, 'base64').toString()).toBe('devnet/f01000')

    // IPNI indexes multihashes: a CIDv1 with another codec over the same digest finds the same records.
    const sameDigest = CID.createV1(0x71, blocks[0]!.cid.multihash)
    expect((await lookup(i, sameDigest)).status).toBe(200)
    // Announcing again replaces rather than duplicates.
    announceProvider(i, sp, [blocks[0]!.cid])
    const again = (await (await lookup(i, blocks[0]!.cid)).json()) as typeof json
    expect(again.MultihashResults[0]!.ProviderResults).toHaveLength(3)
  })

  it('answers 404 for unknown CIDs and 400 for invalid ones', async () => {
    const i = await ipni()
    const [block] = await generateContent({ seed: 'unknown', count: 1 })
    expect((await lookup(i, block!.cid)).status).toBe(404)
    expect((await lookup(i, 'nope')).status).toBe(400)
  })

  it('error, slow and malformed modes', async () => {
    const i = await ipni()
    const [block] = await generateContent({ seed: 'modes', count: 1 })
    i.announce(block!.cid, { peerId: '12D3KooWtest', addrs: ['/ip4/127.0.0.1/tcp/1/http'], protocol: 'http' })
    i.setMode({ kind: 'error', status: 503 })
    expect((await lookup(i, block!.cid)).status).toBe(503)
    i.setMode({ kind: 'malformed' })
    const malformed = await lookup(i, block!.cid)
    expect(malformed.status).toBe(200)
    await expect(malformed.json()).rejects.toThrow()
    i.setMode({ kind: 'slow', delayMs: 400 })
    await expect(lookup(i, block!.cid, 150)).rejects.toThrow(/abort|timeout/i)
    const t0 = performance.now()
    expect((await lookup(i, block!.cid)).status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(380)
    i.setMode({ kind: 'normal' })
    expect((await lookup(i, block!.cid)).status).toBe(200)
    expect(i.requests).toBe(5)
  })
})
