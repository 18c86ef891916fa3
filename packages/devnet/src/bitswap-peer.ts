import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { type HeliaWithLibp2p, withLibp2pLight } from '@helia/libp2p'
import * as dagCbor from '@ipld/dag-cbor'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createHeliaLight, type HeliaInit } from 'helia'
import { assertLoopback, LOOPBACK } from './listener.js'

export interface BitswapPeerOptions {
  /** Where blocks are read from and written to; helia's in-memory store when omitted. */
  blockstore?: HeliaInit['blockstore']
  /** Listen on `/ip4/<host>/tcp/0`; a client that only dials can pass false. Default true. */
  listen?: boolean
  host?: string
  /** The host's identity; a fresh one on every start when omitted. */
  privateKey?: PrivateKey
}

export type BitswapPeer = HeliaWithLibp2p<{ identify: ReturnType<ReturnType<typeof identify>> }>

/**
 * A started helia node speaking bitswap over TCP + noise + yamux (+ identify), and nothing else:
 * `createHeliaLight` + `withLibp2pLight` + `withBitswap` is helia 7's own composition minus the
 * defaults that reach the public network (bootstrap, mDNS, DHT, HTTP routers, UPnP, relays).
 * The providers use it to serve; tests and checkers can use it to fetch.
 *
 * @example
 * const client = await startBitswapPeer({ listen: false })
 * await client.libp2p.dial(multiaddr(provider.libp2pMultiaddrs[0]))
 * await client.stop()
 */
export async function startBitswapPeer(options: BitswapPeerOptions = {}): Promise<BitswapPeer> {
  const host = assertLoopback(options.host ?? LOOPBACK)
  const helia = withBitswap(
    withLibp2pLight(createHeliaLight({ blockstore: options.blockstore, codecs: [dagCbor] }), {
      ...(options.privateKey ? { privateKey: options.privateKey } : {}),
      addresses: { listen: options.listen === false ? [] : [`/ip4/${host}/tcp/0`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    }),
  )
  await helia.start()
  return helia as BitswapPeer
}
