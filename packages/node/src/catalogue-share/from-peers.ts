import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import type { Catalogue } from '@spark-swarm/protocol'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { createHeliaLight, withLibp2pLight } from '../node/peers/helia-light.js'
import { catalogueFromBlock } from './catalogue-block.js'
import { CatalogueFetchError } from './errors.js'

/**
 * Long enough for a few hundred kilobytes from a peer across the world, short enough that a node
 * whose peers all lack the block says so within one 20-minute round's first minute.
 */
export const PEER_CATALOGUE_TIMEOUT_MS = 20_000

export interface PeerCatalogueInit {
  /** The CID the params name (`catalogueCid`). */
  cid: string
  /** The peers to ask: multiaddrs with /p2p/, the node's bootstrap list. */
  peers: readonly string[]
  /** For the whole fetch, dials included; default PEER_CATALOGUE_TIMEOUT_MS. */
  timeoutMs?: number
}

export interface PeerCatalogue {
  catalogue: Catalogue
  /** How many of the peers asked were reached. */
  reached: number
  /** From the first dial to the checked catalogue. */
  ms: number
}

/** Where a block comes from: bitswap in the node, a stub in tests. */
export type BlockGetter = (cid: CID, signal: AbortSignal) => Promise<Uint8Array>

/**
 * The catalogue `cid` names, asked of `get` within `signal`, and hashed against `cid` before it
 * is taken. Every failure is a CatalogueFetchError with its code, never a crash.
 */
export async function catalogueFromBlocks(cid: string, get: BlockGetter, signal: AbortSignal): Promise<Catalogue> {
  let parsed: CID
  try {
    parsed = CID.parse(cid)
  } catch (err) {
    throw new CatalogueFetchError('CATALOGUE_UNAVAILABLE', `the params name catalogue ${cid.slice(0, 100)}, which is no CID`, {
      cause: err,
    })
  }
  let bytes: Uint8Array
  try {
    bytes = await get(parsed, signal)
  } catch (err) {
    const why = signal.aborted ? 'no peer gave it in time' : `the peers did not give it: ${(err as Error)?.message ?? String(err)}`
    throw new CatalogueFetchError('CATALOGUE_UNAVAILABLE', `catalogue ${cid}: ${why}`, { cause: err })
  }
  return catalogueFromBlock(cid, bytes)
}

/**
 * Fetches the catalogue from peers over bitswap (spec §1.3), before the node itself runs: the node
 * cannot start without its catalogue, so this is a light libp2p host of its own (TCP, noise, yamux,
 * identify, bitswap; nothing public, no discovery, a memory blockstore) that dials the peers, wants
 * the block from those it reached, and stops. Whatever comes is hashed against `cid`.
 */
export async function fetchCatalogueFromPeers(init: PeerCatalogueInit): Promise<PeerCatalogue> {
  const startedAt = Date.now()
  if (init.peers.length === 0) {
    throw new CatalogueFetchError('CATALOGUE_UNAVAILABLE', `catalogue ${init.cid}: no peers to ask (no bootstrap peers)`)
  }
  const signal = AbortSignal.timeout(init.timeoutMs ?? PEER_CATALOGUE_TIMEOUT_MS)
  const helia = withBitswap(
    withLibp2pLight(createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }), {
      addresses: { listen: [] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    }),
  )
  await helia.start()
  try {
    const dials = await Promise.allSettled(init.peers.map((peer) => helia.libp2p.dial(multiaddr(peer), { signal })))
    const reached = dials.filter((d) => d.status === 'fulfilled').length
    if (reached === 0) {
      const first = dials.find((d): d is PromiseRejectedResult => d.status === 'rejected')
      throw new CatalogueFetchError(
        'CATALOGUE_UNAVAILABLE',
        `catalogue ${init.cid}: none of the ${init.peers.length} bootstrap peers could be reached (${String(first?.reason?.message ?? first?.reason)})`,
      )
    }
    // bitswap sends the want to every connected peer: those it reached
    const get: BlockGetter = async (cid, s) => {
      const chunks: Uint8Array[] = []
      for await (const chunk of helia.blockstore.get(cid, { signal: s })) chunks.push(chunk)
      return Buffer.concat(chunks)
    }
    const catalogue = await catalogueFromBlocks(init.cid, get, signal)
    return { catalogue, reached, ms: Date.now() - startedAt }
  } finally {
    await helia.stop()
  }
}
