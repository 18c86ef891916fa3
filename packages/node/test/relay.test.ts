import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { devnet, sha256 } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { measurementTopic } from '../src/gossip/index.js'
import { isRelayed, startDirectUpgrade } from '../src/node/peers/direct-upgrade.js'
import { createHost, type Host } from '../src/node/peers/host.js'
import { buildStatus } from '../src/node/status/build-status.js'
import { waitFor } from './helpers/wait-for.js'

const params = devnet
const topic = measurementTopic(params, 0)
let hosts: Host[] = []
let dirs: string[] = []

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.stop()))
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  hosts = []
  dirs = []
})

const through = (ma: Multiaddr) => ma.getComponents().some((c) => c.name === 'p2p-circuit')

/**
 * A firewall between two peers: no direct connection to `other()` either way while `blocked()`,
 * connections through a relay pass. What two home routers do to each other's unsolicited dials.
 */
function noDirectTo(other: () => PeerId | undefined, blocked: () => boolean): ConnectionGater {
  const isOther = (peer: PeerId | undefined) => blocked() && peer !== undefined && other()?.equals(peer) === true
  return {
    denyDialMultiaddr: (ma) =>
      blocked() && !through(ma) && ma.getComponents().some((c) => c.name === 'p2p' && c.value === other()?.toString()),
    denyOutboundConnection: (peer: PeerId, conn: MultiaddrConnection) => isOther(peer) && !through(conn.remoteAddr),
    denyInboundEncryptedConnection: (peer: PeerId, conn: MultiaddrConnection) => isOther(peer) && !through(conn.remoteAddr),
  }
}

async function host(
  name: string,
  nat: { relayServer: boolean; relayClient: boolean },
  extra: { bootstrap?: string[]; gater?: ConnectionGater } = {},
) {
  const dataDir = await mkdtemp(join(tmpdir(), `relay-${name}-`))
  dirs.push(dataDir)
  const h = await createHost({
    dataDir,
    privateKey: await generateKeyPairFromSeed('Ed25519', sha256(`relay test ${name}`)),
    params,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: extra.bootstrap ?? [],
    loopback: true,
    nat: { ...nat, upnp: false },
    ...(extra.gater ? { connectionGater: extra.gater } : {}),
  })
  hosts.push(h)
  return h
}

describe('behind NAT: two peers that cannot dial each other', () => {
  it('gossip through a relay, then move to a direct connection once one is allowed', async () => {
    const relay = await host('relay', { relayServer: true, relayClient: false })
    const relayAddr = relay.libp2p.getMultiaddrs()[0]?.toString() as string
    let blocked = true
    const ids: { a?: PeerId; b?: PeerId } = {}
    const a = await host(
      'a',
      { relayServer: false, relayClient: true },
      {
        bootstrap: [relayAddr],
        gater: noDirectTo(
          () => ids.b,
          () => blocked,
        ),
      },
    )
    const b = await host(
      'b',
      { relayServer: false, relayClient: true },
      {
        bootstrap: [relayAddr],
        gater: noDirectTo(
          () => ids.a,
          () => blocked,
        ),
      },
    )
    ids.a = a.libp2p.peerId
    ids.b = b.libp2p.peerId

    // each reserves a slot on the relay and announces the relayed address
    await waitFor(() => [a, b].every((h) => h.libp2p.getMultiaddrs().some(through)), 'relay reservations of a and b', 20_000)
    const status = buildStatus({
      params,
      now: Date.now(),
      peerId: b.libp2p.peerId.toString(),
      stationId: '',
      multiaddrs: b.libp2p.getMultiaddrs().map(String),
      outdated: false,
      bannedPeers: 0,
    })
    expect(status.reachability.via).toBe('relayed')
    expect(status.reachability.relays).toEqual([relay.libp2p.peerId.toString()])

    // a direct dial is refused; the relayed address works
    const bDirect = b.libp2p.getMultiaddrs().filter((ma) => !through(ma))
    await expect(a.libp2p.dial(bDirect)).rejects.toThrow()
    const bRelayed = b.libp2p.getMultiaddrs().filter(through)
    const connection = await a.libp2p.dial(bRelayed)
    expect(isRelayed(connection)).toBe(true)
    expect(connection.limits).toBeDefined()

    // gossip over it: b gets a's message from a itself, not from the relay (which is on no topic)
    for (const h of [a, b]) h.libp2p.services.pubsub.subscribe(topic)
    await waitFor(
      () => a.libp2p.services.pubsub.getSubscribers(topic).some((p) => p.equals(b.libp2p.peerId)),
      'a to see b on the topic over the relay',
      20_000,
    )
    const received = new Promise<{ from: string; data: Uint8Array }>((resolve) => {
      b.libp2p.services.pubsub.addEventListener('gossipsub:message', (e) =>
        resolve({ from: e.detail.propagationSource.toString(), data: e.detail.msg.data }),
      )
    })
    const data = new TextEncoder().encode('a measurement, relayed')
    await a.libp2p.services.pubsub.publish(topic, data)
    const got = await received
    expect(got.from).toBe(a.libp2p.peerId.toString())
    expect(new TextDecoder().decode(got.data)).toBe('a measurement, relayed')

    // the firewall opens: the next direct dial wins, the relayed connection is closed
    const upgrade = startDirectUpgrade(a.libp2p, { intervalMs: 200 })
    try {
      blocked = false
      await waitFor(() => upgrade.upgraded === 1, 'a direct connection from a to b', 20_000)
      await waitFor(() => a.libp2p.getConnections(b.libp2p.peerId).every((c) => !isRelayed(c)), 'the relayed connection to close')
      expect(a.libp2p.getConnections(b.libp2p.peerId).length).toBeGreaterThan(0)
    } finally {
      upgrade.stop()
    }
  }, 60_000)
})
