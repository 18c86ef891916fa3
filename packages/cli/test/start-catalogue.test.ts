import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CatalogueFetchError, TrackerError } from '@spark-swarm/node'
import { type Catalogue, catalogueCid, devnet, encodeCatalogue } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { catalogueSource } from '../src/commands/start-catalogue.js'

/*
 * The order a node without --catalogue tries (spec §1.3): the tracker, the copy in its data dir,
 * then its bootstrap peers over bitswap; the first that gives the block the params name wins.
 */

const CATALOGUE: Catalogue = { entries: [{ cid: 'bafytestpayload', minerId: 'f01000' }] }
const PEER = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const down = new TrackerError('TRACKER_UNREACHABLE', 'tracker http://127.0.0.1:9/v1/catalogue is unreachable')

describe('catalogueSource', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })

  const setup = async (
    tracker: () => Promise<Catalogue>,
    peers: (init: { cid: string; peers: readonly string[] }) => Promise<Catalogue>,
  ) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-start-catalogue-'))
    dirs.push(dataDir)
    const said: string[] = []
    const asked: Array<readonly string[]> = []
    const source = catalogueSource(
      undefined,
      dataDir,
      { catalogue: tracker },
      {
        info: (message) => said.push(message),
        operatorError: (err) => err,
        peers: [PEER],
        fromPeers: async (init) => {
          asked.push(init.peers)
          return { catalogue: await peers(init), reached: 1, ms: 1 }
        },
      },
    )
    const params = { ...devnet, catalogueCid: (await catalogueCid(CATALOGUE)).toString() }
    return { dataDir, said, asked, source, params }
  }

  it('asks the peers only when the tracker does not give it, and keeps their copy in the data dir', async () => {
    const fromTracker = await setup(
      async () => CATALOGUE,
      async () => CATALOGUE,
    )
    expect(await fromTracker.source.for(fromTracker.params)).toEqual(CATALOGUE)
    expect([fromTracker.said, fromTracker.asked]).toEqual([['catalogue from the tracker'], []])

    const fromPeers = await setup(
      async () => {
        throw down
      },
      async () => CATALOGUE,
    )
    expect(await fromPeers.source.for(fromPeers.params)).toEqual(CATALOGUE)
    expect([fromPeers.said, fromPeers.asked]).toEqual([['catalogue from peers: the tracker did not give it'], [[PEER]]])
    expect(new Uint8Array(await readFile(join(fromPeers.dataDir, 'catalogue.cbor')))).toEqual(encodeCatalogue(CATALOGUE))
  })

  it('neither the tracker nor the peers: both reasons, and the peers’ code', async () => {
    const none = await setup(
      async () => {
        throw down
      },
      async () => {
        throw new CatalogueFetchError('CATALOGUE_HASH_MISMATCH', 'the block a peer gave hashes to bafyother')
      },
    )
    const err = await none.source.for(none.params).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'CATALOGUE_HASH_MISMATCH', exitCode: 1 })
    expect((err as Error).message).toMatch(
      /unreachable; nor from peers: the block a peer gave hashes to bafyother .*\[CATALOGUE_HASH_MISMATCH\]$/,
    )
  })
})

describe('catalogueSource.prefetch', () => {
  it('fetches an announced catalogue once, keeps it beside the one in force, and the switch asks no one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-start-catalogue-'))
    const NEXT: Catalogue = { entries: [{ cid: 'bafytestnext', minerId: 'f01001' }] }
    const byCid = new Map<string, Catalogue>()
    for (const c of [CATALOGUE, NEXT]) byCid.set((await catalogueCid(c)).toString(), c)
    const asked: string[] = []
    const source = catalogueSource(
      undefined,
      dataDir,
      {
        catalogue: async (cid) => {
          asked.push(cid)
          return byCid.get(cid) as Catalogue
        },
      },
      { info: () => {}, operatorError: (err) => err },
    )
    try {
      const [now, next] = [...byCid.keys()] as [string, string]
      const params = (catalogueCid: string) => ({ ...devnet, catalogueCid })
      await source.for(params(now))
      // the one in force is no announcement; the announced one is fetched once, however often asked
      expect(await source.prefetch(params(now))).toBeUndefined()
      expect(await source.prefetch(params(next))).toEqual(NEXT)
      expect(await source.prefetch(params(next))).toEqual(NEXT)
      expect(await source.for(params(next))).toEqual(NEXT)
      expect(asked).toEqual([now, next])
      // both blocks in the data dir: a restart with the tracker down finds either
      expect(new Uint8Array(await readFile(join(dataDir, 'catalogue-announced.cbor')))).toEqual(encodeCatalogue(NEXT))
      expect(new Uint8Array(await readFile(join(dataDir, 'catalogue.cbor')))).toEqual(encodeCatalogue(NEXT))
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
