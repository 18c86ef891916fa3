import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { type BitswapPeer, concat, type FakeProvider, generateContent, startBitswapPeer, startFakeProvider } from '../src/index.js'
import { hashesTo } from './helpers.js'

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

async function setup(): Promise<{ sp: FakeProvider; client: BitswapPeer; blocks: Awaited<ReturnType<typeof generateContent>> }> {
  const blocks = await generateContent({ seed: 'bitswap', count: 3 })
  const sp = await startFakeProvider({ minerId: 'f01000', blocks })
  stops.push(() => sp.stop())
  const client = await startBitswapPeer({ listen: false })
  stops.push(async () => {
    await client.stop()
  })
  return { sp, client, blocks }
}

async function getBlock(client: BitswapPeer, cid: Parameters<BitswapPeer['blockstore']['get']>[0], timeoutMs: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of client.blockstore.get(cid, { signal: AbortSignal.timeout(timeoutMs) })) chunks.push(chunk)
  return concat(chunks)
}

describe('fake provider: bitswap', () => {
  it('listens on loopback and identifies itself with the bitswap protocols', async () => {
    const { sp, client } = await setup()
    expect(sp.libp2pMultiaddrs.length).toBeGreaterThan(0)
    for (const addr of sp.libp2pMultiaddrs) expect(addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${sp.peerId}$`))
    const connection = await client.libp2p.dial(multiaddr(sp.libp2pMultiaddrs[0]!), { signal: AbortSignal.timeout(5_000) })
    expect(connection.remotePeer.toString()).toBe(sp.peerId)
    await expect
      .poll(async () => (await client.libp2p.peerStore.get(connection.remotePeer)).protocols, { timeout: 5_000 })
      .toContain('/ipfs/bitswap/1.2.0')
  })

  it('serves a raw and a DAG-CBOR block to a dialled client', async () => {
    const { sp, client, blocks } = await setup()
    await client.libp2p.dial(multiaddr(sp.libp2pMultiaddrs[0]!), { signal: AbortSignal.timeout(5_000) })
    for (const block of blocks) {
      const bytes = await getBlock(client, block.cid, 5_000)
      expect(await hashesTo(block.cid, bytes)).toBe(true)
    }
    expect(sp.requests.bitswap).toBeGreaterThanOrEqual(blocks.length)
  })

  it('withholds blocks under a broken profile and serves them again when healthy', async () => {
    const { sp, client, blocks } = await setup()
    await sp.setProfile({ kind: 'http-5xx', status: 500 })
    await client.libp2p.dial(multiaddr(sp.libp2pMultiaddrs[0]!), { signal: AbortSignal.timeout(5_000) })
    // The provider claims not to hold the block, so the client's want stays unanswered until its timeout.
    const t0 = performance.now()
    await expect(getBlock(client, blocks[0]!.cid, 1_000)).rejects.toThrow()
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900)
    await sp.setProfile({ kind: 'healthy' })
    const bytes = await getBlock(client, blocks[1]!.cid, 5_000)
    expect(await hashesTo(blocks[1]!.cid, bytes)).toBe(true)
  })

  it('delays blocks by delayMs under slow-first-byte', async () => {
    const { sp, client, blocks } = await setup()
    await sp.setProfile({ kind: 'slow-first-byte', delayMs: 600 })
    await client.libp2p.dial(multiaddr(sp.libp2pMultiaddrs[0]!), { signal: AbortSignal.timeout(5_000) })
    const t0 = performance.now()
    const bytes = await getBlock(client, blocks[2]!.cid, 5_000)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550)
    expect(await hashesTo(blocks[2]!.cid, bytes)).toBe(true)
  })
})
