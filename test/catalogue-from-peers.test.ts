import * as dagCbor from '@ipld/dag-cbor'
import { type BitswapPeer, startBitswapPeer } from '@spark-swarm/devnet'
import { CatalogueFetchError, catalogueFromBlocks, fetchCatalogueFromPeers } from '@spark-swarm/node'
import { type Catalogue, cidOfDagCbor, encodeCatalogue } from '@spark-swarm/protocol'
import { MemoryBlockstore } from 'blockstore-core'
import { afterEach, describe, expect, it } from 'vitest'

/*
 * The catalogue from peers (spec §1.3): whatever a peer sends is hashed against the CID the params
 * name before it is taken; bad bytes are refused with a code, never a crash. Real bitswap peers on
 * 127.0.0.1 for the fetch; a stub block source for bytes bitswap itself would never hand over.
 */

const CATALOGUE: Catalogue = { entries: [{ cid: 'bafytestpayload', minerId: 'f01000' }] }
const BYTES = encodeCatalogue(CATALOGUE)
const CID_TEXT = cidOfDagCbor(BYTES).toString()
const peers: BitswapPeer[] = []
afterEach(async () => {
  for (const p of peers.splice(0)) await p.stop()
})

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(CatalogueFetchError)
  return (err as CatalogueFetchError).code
}

const never = new AbortController().signal

describe('catalogueFromBlocks', () => {
  it('takes bytes that hash to the CID', async () => {
    expect(await catalogueFromBlocks(CID_TEXT, async () => BYTES, never)).toEqual(CATALOGUE)
  })

  it('refuses bytes that do not hash to the CID: CATALOGUE_HASH_MISMATCH', async () => {
    const other = encodeCatalogue({ entries: [{ cid: 'bafyother', minerId: 'f01000' }] })
    expect(await codeOf(catalogueFromBlocks(CID_TEXT, async () => other, never))).toBe('CATALOGUE_HASH_MISMATCH')
    expect(await codeOf(catalogueFromBlocks(CID_TEXT, async () => new Uint8Array([0xff, 0x00]), never))).toBe('CATALOGUE_HASH_MISMATCH')
  })

  it('refuses a block that is no catalogue: CATALOGUE_NOT_A_CATALOGUE', async () => {
    const notOne = dagCbor.encode({ entries: [] })
    expect(await codeOf(catalogueFromBlocks(cidOfDagCbor(notOne).toString(), async () => notOne, never))).toBe('CATALOGUE_NOT_A_CATALOGUE')
    // a catalogue with a field the encoding drops: it would run as another CID's catalogue
    const extra = dagCbor.encode({ entries: CATALOGUE.entries, note: 'more' })
    expect(await codeOf(catalogueFromBlocks(cidOfDagCbor(extra).toString(), async () => extra, never))).toBe('CATALOGUE_NOT_A_CATALOGUE')
  })

  it('a source that fails or gives nothing in time, or a CID that is none: CATALOGUE_UNAVAILABLE', async () => {
    const failing = async () => {
      throw new Error('boom')
    }
    expect(await codeOf(catalogueFromBlocks(CID_TEXT, failing, never))).toBe('CATALOGUE_UNAVAILABLE')
    const hanging = (_: unknown, signal: AbortSignal) =>
      new Promise<Uint8Array>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    expect(await codeOf(catalogueFromBlocks(CID_TEXT, hanging, AbortSignal.timeout(50)))).toBe('CATALOGUE_UNAVAILABLE')
    expect(await codeOf(catalogueFromBlocks('not a cid', async () => BYTES, never))).toBe('CATALOGUE_UNAVAILABLE')
  })
})

describe('fetchCatalogueFromPeers over bitswap', () => {
  const serving = async (put: (store: MemoryBlockstore) => Promise<unknown>): Promise<string> => {
    const blockstore = new MemoryBlockstore()
    await put(blockstore)
    const peer = await startBitswapPeer({ blockstore })
    peers.push(peer)
    return peer.libp2p.getMultiaddrs()[0]?.toString() as string
  }

  it('gets the block from the peer that has it, among peers that do not', async () => {
    const has = await serving(async (s) => s.put(cidOfDagCbor(BYTES), BYTES))
    const lacks = await serving(async () => {})
    const got = await fetchCatalogueFromPeers({ cid: CID_TEXT, peers: [lacks, has], timeoutMs: 10_000 })
    expect([got.catalogue, got.reached]).toEqual([CATALOGUE, 2])
  })

  it('a peer serving other bytes under the CID is refused: its block never answers the want', async () => {
    // a blockstore does not check what it is given: this peer sends the wrong bytes for the CID
    const liar = await serving(async (s) =>
      s.put(cidOfDagCbor(BYTES), encodeCatalogue({ entries: [{ cid: 'bafylie', minerId: 'f06666' }] })),
    )
    const started = Date.now()
    expect(await codeOf(fetchCatalogueFromPeers({ cid: CID_TEXT, peers: [liar], timeoutMs: 1_000 }))).toBe('CATALOGUE_UNAVAILABLE')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('no peers, or none reachable: CATALOGUE_UNAVAILABLE, within the timeout', async () => {
    expect(await codeOf(fetchCatalogueFromPeers({ cid: CID_TEXT, peers: [] }))).toBe('CATALOGUE_UNAVAILABLE')
    const gone = await serving(async () => {})
    const [peer] = peers.splice(0)
    await peer?.stop()
    expect(await codeOf(fetchCatalogueFromPeers({ cid: CID_TEXT, peers: [gone], timeoutMs: 2_000 }))).toBe('CATALOGUE_UNAVAILABLE')
  })
})
