import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CatalogueFetchError, catalogueFromBlock, fetchCatalogueFromPeers, type TrackerClient } from '@spark-swarm/node'
import { type Catalogue, encodeCatalogue, type ProtocolParams, validateCatalogue } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'
import { readJsonFile } from '../read-json.js'

/**
 * Where the task catalogue comes from: the `--catalogue` file, else by the CID the params name
 * (spec §1.3), from the first of these that gives bytes hashing to it: the tracker, the copy kept
 * in the data dir, the bootstrap peers over bitswap. Tracker first: at start the node has no peer
 * connected yet, and the tracker is one GET it is asking anyway; peers are the fallback for a
 * tracker down, refusing, or serving other bytes. The catalogue in force is kept, so a params
 * change that keeps it fetches nothing, and written to the data dir, so that a node restarted
 * while the tracker is down starts on it as it does on the cached params. `prefetch` gets an
 * announced one ahead of its round (kept beside it, in memory and in the data dir), so that the
 * restart at that round needs no source, and the node can share it with peers before then.
 */
export function catalogueSource(
  file: string | undefined,
  dataDir: string,
  tracker: Pick<TrackerClient, 'catalogue'> | undefined,
  {
    info,
    operatorError,
    peers = [],
    fromPeers = fetchCatalogueFromPeers,
  }: {
    info: (message: string, fields: Record<string, unknown>) => void
    operatorError: (err: unknown) => unknown
    /** The bootstrap peers (multiaddrs with /p2p/): asked over bitswap when the tracker does not give it. */
    peers?: readonly string[]
    fromPeers?: typeof fetchCatalogueFromPeers
  },
): {
  for(params: ProtocolParams): Promise<Catalogue>
  /** The catalogue announced params name, fetched ahead; undefined when it is the one in force or a file is used. */
  prefetch(params: ProtocolParams): Promise<Catalogue | undefined>
} {
  let fromFile: Catalogue | undefined
  // by CID: the one in force and, once fetched, the announced one; fetches under way are shared
  const kept = new Map<string, Promise<Catalogue>>()
  const written: Partial<Record<Slot, string>> = {}

  const catalogueOf = (cid: string, slot: Slot): Promise<Catalogue> => {
    let pending = kept.get(cid)
    if (!pending) {
      pending = fetchChecked(cid, tracker as NonNullable<typeof tracker>)
      kept.set(cid, pending)
      // a failed fetch is asked again next time; only two are kept (in force, announced)
      pending.catch(() => kept.delete(cid))
      for (const other of [...kept.keys()].slice(0, -2)) kept.delete(other)
    }
    return pending.then(async (catalogue) => {
      if (written[slot] !== cid) {
        await writeCache(join(dataDir, CACHE_FILES[slot]), catalogue)
        written[slot] = cid
      }
      return catalogue
    })
  }

  return {
    async for(params) {
      if (file) {
        fromFile ??= await readCatalogueFile(file)
        return fromFile
      }
      const cid = params.catalogueCid
      if (!tracker || cid === null) {
        throw new CliError(
          tracker
            ? 'no task catalogue: the network\'s params name none (catalogueCid): pass --catalogue <file> (JSON {"entries": [{"cid", "minerId", "providerId"?}]})'
            : 'no task catalogue: pass --tracker <url> (the network gives it), or --catalogue <file> (JSON {"entries": [{"cid", "minerId", "providerId"?}]})',
        )
      }
      return catalogueOf(cid, 'inForce')
    },
    async prefetch(params) {
      const cid = params.catalogueCid
      if (file || !tracker || cid === null || written.inForce === cid) return undefined
      return catalogueOf(cid, 'announced')
    },
  }

  async function fetchChecked(cid: string, from: Pick<TrackerClient, 'catalogue'>): Promise<Catalogue> {
    try {
      const catalogue = await from.catalogue(cid)
      info('catalogue from the tracker', { catalogueCid: cid, entries: catalogue.entries.length })
      return catalogue
    } catch (err) {
      const saved = await readCache(dataDir, cid)
      if (saved) {
        info('catalogue from the data dir: the tracker did not give it', { catalogueCid: cid, error: String(err) })
        return saved
      }
      return fromPeersOrFail(cid, err)
    }
  }

  /** The bootstrap peers' copy, hashed against `cid`; failing that, both reasons and the peers' code. */
  async function fromPeersOrFail(cid: string, trackerError: unknown): Promise<Catalogue> {
    try {
      const got = await fromPeers({ cid, peers })
      info('catalogue from peers: the tracker did not give it', {
        catalogueCid: cid,
        entries: got.catalogue.entries.length,
        peersReached: got.reached,
        ms: got.ms,
        error: String(trackerError),
      })
      return got.catalogue
    } catch (err) {
      if (!(err instanceof CatalogueFetchError)) throw err
      const tracker = operatorError(trackerError)
      throw new CliError(
        `${(tracker as Error).message}; nor from peers: ${err.message} (pass --bootstrap <multiaddr> of a node of the network, or --catalogue <file>) [${err.code}]`,
        EXIT.failure,
        err.code,
      )
    }
  }
}

async function readCatalogueFile(file: string): Promise<Catalogue> {
  try {
    return validateCatalogue((await readJsonFile(file, 'catalogue')) as Catalogue)
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(`catalogue ${file}: ${(err as Error).message}`)
  }
}

type Slot = 'inForce' | 'announced'

/**
 * The catalogues kept in the data dir, as their blocks: the one in force and one announced, each
 * used only while its CID is one the params name.
 */
const CACHE_FILES: Record<Slot, string> = { inForce: 'catalogue.cbor', announced: 'catalogue-announced.cbor' }

async function writeCache(path: string, catalogue: Catalogue): Promise<void> {
  // written whole, then renamed: a crash leaves the old file or the new one, never half of one
  await writeFile(`${path}.tmp`, encodeCatalogue(catalogue))
  await rename(`${path}.tmp`, path)
}

async function readCache(dataDir: string, cid: string): Promise<Catalogue | undefined> {
  for (const name of Object.values(CACHE_FILES)) {
    try {
      // hashed and decoded as a peer's block is: a damaged or foreign file is no copy of it
      return catalogueFromBlock(cid, await readFile(join(dataDir, name)))
    } catch {
      // missing or unreadable: the next source
    }
  }
  return undefined
}
