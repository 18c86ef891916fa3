import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import * as dagCbor from '@ipld/dag-cbor'
import { identify } from '@libp2p/identify'
import type { PeerInfo } from '@libp2p/interface'
import { type KadDHT, kadDHT, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { type Swarm, startSwarm } from '@spark-swarm/devnet'
import { AMINO_PROTOCOL, type SummaryAnchoredDetail } from '@spark-swarm/node'
import { decodeRoundSummary } from '@spark-swarm/protocol'
import { createHeliaLight } from 'helia'
import { createLibp2p, type Libp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// A node given `amino` also provides what it anchors on the public IPFS DHT's protocol. Here a
// lone DHT server on loopback stands in for Amino: the node joins through it and announces its
// summary there; a node without `amino` speaks only the swarm's own DHT.
let amino: Libp2p<{ identify: ReturnType<ReturnType<typeof identify>>; ping: unknown; dht: KadDHT }>
let swarm: Swarm
let anchored: Promise<SummaryAnchoredDetail>

beforeAll(async () => {
  amino = (await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: AMINO_PROTOCOL, clientMode: false, peerInfoMapper: removePublicAddressesMapper }),
    },
  })) as typeof amino
  const through = amino.getMultiaddrs().map((a) => a.toString())
  swarm = await startSwarm({
    nodes: 2,
    seed: 'amino e2e',
    blocksPerProvider: 2,
    providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    params: { roundDurationMs: 4_000, gracePeriodMs: 1_000, maxTasksPerNode: 2, minCommitteeSize: 1 },
    node: (index) => (index === 0 ? { amino: { bootstrap: through } } : {}),
  })
  const node = swarm.nodes[0]!
  anchored = new Promise((resolve) => node.addEventListener('summary:anchored', (e) => resolve(e.detail)))
}, 30_000)

afterAll(async () => {
  await swarm?.stop()
  await amino?.stop()
}, 30_000)

/** The providers the Amino stand-in knows of `cid`, asked until one is there or `timeoutMs` passes. */
async function providersOf(cid: CID, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found: string[] = []
    // its own records come first; the query beyond them has no one to ask and ends at the timeout
    try {
      for await (const event of amino.services.dht.findProviders(cid, { signal: AbortSignal.timeout(1_000) })) {
        if (event.name === 'PROVIDER') found.push(...event.providers.map((p) => p.id.toString()))
        if (found.length > 0) break
      }
    } catch (err) {
      if ((err as Error).name !== 'TimeoutError' && (err as Error).name !== 'AbortError') throw err
    }
    if (found.length > 0 || Date.now() > deadline) return found
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('announcing on Amino (/ipfs/kad/1.0.0)', () => {
  it("provides an anchored summary on the Amino DHT beside the swarm's own", async () => {
    const { summaryCid } = await anchored
    const node = swarm.nodes[0]!
    expect(await providersOf(CID.parse(summaryCid), 15_000)).toContain(node.host?.libp2p.peerId.toString())
    // the swarm's DHT is still its own protocol; the node without `amino` does not speak Amino
    expect(node.host?.libp2p.getProtocols()).toContain(`/spark-swarm/${swarm.params.network}/kad/1.0.0`)
    expect(node.host?.libp2p.getProtocols()).not.toContain(AMINO_PROTOCOL)
    expect(Object.keys(swarm.nodes[1]?.host?.libp2p.services ?? {})).not.toContain('amino')
  }, 40_000)

  it("a plain helia node on Amino (kad-dht as it comes) finds the summary's provider there, fetches it over bitswap and decodes it", async () => {
    const { summaryCid, round } = await anchored
    const cid = CID.parse(summaryCid)
    // helia with libp2p's kad-dht left at its defaults: protocol /ipfs/kad/1.0.0, Amino's. Only the
    // addresses are loopback's (private ones kept), and it joins through the stand-in
    const helia = withBitswap(
      withLibp2pLight(createHeliaLight({ codecs: [dagCbor] }), {
        addresses: { listen: [] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify(), ping: ping(), dht: kadDHT({ clientMode: true, peerInfoMapper: removePublicAddressesMapper }) },
      }),
    )
    await helia.start()
    try {
      await helia.libp2p.dial(amino.getMultiaddrs())
      const node = swarm.nodes[0]!
      // the stand-in learns of the provide within the round's anchoring: ask until it answers
      let provider: PeerInfo | undefined
      for (let tries = 0; !provider && tries < 50; tries++) {
        try {
          for await (const p of helia.libp2p.contentRouting.findProviders(cid, { signal: AbortSignal.timeout(2_000) })) {
            if (p.id.toString() === node.host?.libp2p.peerId.toString() && p.multiaddrs.length > 0) {
              provider = p
              break
            }
          }
        } catch (err) {
          if ((err as Error).name !== 'TimeoutError' && (err as Error).name !== 'AbortError') throw err
        }
      }
      expect(provider?.id.toString()).toBe(node.host?.libp2p.peerId.toString())
      const chunks: Uint8Array[] = []
      const providers = (provider?.multiaddrs ?? []).map((ma) => ma.encapsulate(`/p2p/${provider?.id.toString()}`))
      for await (const chunk of helia.blockstore.get(cid, { providers, signal: AbortSignal.timeout(10_000) })) chunks.push(chunk)
      const summary = decodeRoundSummary(Buffer.concat(chunks))
      expect([summary.round, summary.network]).toEqual([round, swarm.params.network])
    } finally {
      await helia.stop()
    }
  }, 40_000)
})
