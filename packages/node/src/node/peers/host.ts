import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { bootstrap } from '@libp2p/bootstrap'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { type TCPSocketOptions, tcp } from '@libp2p/tcp'
import type { ProtocolParams } from '@spark-swarm/protocol'
import { FsBlockstore } from 'blockstore-fs'
import { LevelDatastore } from 'datastore-level'
import { createGossipsubService } from '../../gossip/index.js'
import { createHeliaLight, withLibp2pLight } from './helia-light.js'
import { type NatInit, natListen, natServices, relayTransport } from './nat.js'
import { PeerRecordCache } from './peer-record-cache.js'

export interface HostInit {
  dataDir: string
  privateKey: PrivateKey
  params: ProtocolParams
  listen: string[]
  bootstrap: string[]
  /** Loopback devnet: gossip and DHT settings that work among peers on 127.0.0.1 only. */
  loopback: boolean
  /** Which peers and addresses may connect (allow/deny lists; tests partition a swarm with it). */
  connectionGater?: ConnectionGater
  /** Also the public IPFS DHT, as a client: what the node anchors is provided there too. */
  amino?: AminoInit
  /** Relay, AutoNAT, DCUtR, UPnP: how a node behind NAT is reached; none of it when absent (in-process tests). */
  nat?: NatInit
  /** The local address outgoing TCP connections bind, so that peers observe this node there (spec §5.5, loopback devnets). */
  dialFrom?: string
}

export interface AminoInit {
  /** Amino peers to join through (multiaddrs with /p2p/), e.g. the IPFS bootstrap nodes. */
  bootstrap: string[]
}

/** The public IPFS DHT's protocol id: Amino. */
export const AMINO_PROTOCOL = '/ipfs/kad/1.0.0'

/**
 * The node's libp2p host and helia on top of it, one libp2p for everything: TCP with noise and
 * yamux; identify and ping; gossipsub for measurements and attestations; kad-dht (our own
 * protocol id, server mode) for peer routing and providing summaries; bitswap over helia's
 * blockstore on disk; circuit relay v2, AutoNAT v2 and DCUtR for nodes behind NAT (`nat`). No mDNS, no public bootstrap, no public routers, unless `amino` asks for the
 * public IPFS DHT beside ours (client mode: it queries and provides, it serves no one).
 */
export async function createHost(init: HostInit) {
  await mkdir(init.dataDir, { recursive: true, mode: 0o700 })
  const blockstore = new FsBlockstore(join(init.dataDir, 'blocks'))
  const datastore = new LevelDatastore(join(init.dataDir, 'datastore'))
  await blockstore.open()
  await datastore.open()
  // libp2p's peer records in memory, written to disk at most every 10 s (peer-record-cache.ts)
  const stores = new PeerRecordCache(datastore)
  const bootstrapList = [...init.bootstrap, ...(init.amino?.bootstrap ?? [])]
  const services = {
    identify: identify(),
    // kad-dht checks contacts with ping while libp2p's connection monitor pings every
    // connection every 10 s; with ping's default of one outbound stream the two collide, and
    // the monitor takes the refused stream for a dead peer and aborts a healthy connection
    ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 4 }),
    pubsub: createGossipsubService(init.params, { loopback: init.loopback }),
    dht: kadDHT({
      protocol: `/spark-swarm/${init.params.network}/kad/1.0.0`,
      clientMode: false,
      peerInfoMapper: init.loopback ? removePublicAddressesMapper : passthroughMapper,
    }),
  }
  // libp2p's content routing asks every DHT service: a provide goes to both, a find asks both
  const amino = init.amino
    ? {
        amino: kadDHT({
          protocol: AMINO_PROTOCOL,
          clientMode: true,
          peerInfoMapper: init.loopback ? removePublicAddressesMapper : removePrivateAddressesMapper,
        }),
      }
    : {}
  const helia = withBitswap(
    withLibp2pLight(createHeliaLight({ blockstore, datastore: stores }), {
      privateKey: init.privateKey,
      addresses: { listen: [...init.listen, ...(init.nat ? natListen(init.nat) : [])] },
      // `localAddress` reaches net.connect as it is, though the type names only a few options
      transports: [
        tcp(init.dialFrom ? { dialOpts: { localAddress: init.dialFrom } as TCPSocketOptions } : {}),
        ...(init.nat ? [relayTransport()] : []),
      ],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // many peers dial at once in a devnet; the default threshold resets them (STACK.md)
      connectionManager: { inboundConnectionThreshold: 100, maxConnections: 300 },
      // the monitor aborts a connection whose ping times out (adaptive, 5 s at least); on a busy
      // machine (a Station laptop, a CI runner) that kills healthy connections, so give it 20 s
      connectionMonitor: { pingTimeout: { minTimeout: 20_000 } },
      ...(init.connectionGater ? { connectionGater: init.connectionGater } : {}),
      peerDiscovery: bootstrapList.length > 0 ? [bootstrap({ list: bootstrapList, timeout: 100 })] : [],
      // typed as the swarm's services alone: `amino`, when there, is reached through content routing,
      // and the NAT services work on their own
      services: { ...services, ...amino, ...(init.nat ? natServices(init.nat) : {}) } as typeof services,
    }),
  )
  try {
    await helia.start()
  } catch (err) {
    // a port in use, say: libp2p stopped itself, the stores below it are still open
    await helia.stop().catch(() => {})
    await stores.flush()
    await blockstore.close()
    await datastore.close()
    throw err
  }
  const relay = (helia.libp2p.services as { relay?: CircuitRelayService }).relay
  return {
    helia,
    libp2p: helia.libp2p,
    /** Reservations this node holds for others as a relay; null when it does not relay. */
    relayReservations: (): number | null => relay?.reservations.size ?? null,
    async stop() {
      await helia.stop()
      await stores.flush()
      await blockstore.close()
      await datastore.close()
    },
  }
}

export type Host = Awaited<ReturnType<typeof createHost>>

/** The host's gossipsub: what rounds subscribe to and publish on. */
export type NodePubSub = Host['libp2p']['services']['pubsub']
