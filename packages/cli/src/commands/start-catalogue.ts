import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CatalogueFetchError, fetchCatalogueFromPeers, type TrackerClient } from '@spark-swarm/node'
import {
  type Catalogue,
  cidOfDagCbor,
  decodeCatalogue,
  encodeCatalogue,
  type ProtocolParams,
  validateCatalogue,
} from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'
import { readJsonFile } from '../read-json.js'

/**
 * Where the task catalogue comes from: the `--catalogue` file, else by the CID the params name
 * (spec §1.3), from the first of these that gives bytes hashing to it: the tracker, the copy kept
 * in the data dir, the bootstrap peers over bitswap. Tracker first: at start the node has no peer
 * connected yet, and the tracker is one GET it is asking anyway; peers are the fallback for a
 * tracker down, refusing, or serving other bytes. The last catalogue is kept, so a params change
 * that keeps it fetches nothing, and written to the data dir, so that a node restarted while the
 * tracker is down starts on it as it does on the cached params.
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
): { for(params: ProtocolParams): Promise<Catalogue> } {
  let kept: { cid: string | null; catalogue: Catalogue } | undefined
  return {
    async for(params) {
      if (file) {
        kept ??= { cid: null, catalogue: await readCatalogueFile(file) }
        return kept.catalogue
      }
      const cid = params.catalogueCid
      if (kept && kept.cid === cid) return kept.catalogue
      if (!tracker || cid === null) {
        throw new CliError(
          tracker
            ? 'no task catalogue: the network\'s params name none (catalogueCid): pass --catalogue <file> (JSON {"entries": [{"cid", "minerId", "providerId"?}]})'
            : 'no task catalogue: pass --tracker <url> (the network gives it), or --catalogue <file> (JSON {"entries": [{"cid", "minerId", "providerId"?}]})',
        )
      }
      const cached = join(dataDir, CACHE_FILE)
      let catalogue: Catalogue
      try {
        catalogue = await tracker.catalogue(cid)
        info('catalogue from the tracker', { catalogueCid: cid, entries: catalogue.entries.length })
        await writeCache(cached, catalogue)
      } catch (err) {
        const saved = await readCache(cached, cid)
        if (saved) {
          catalogue = saved
          info('catalogue from the data dir: the tracker did not give it', { catalogueCid: cid, error: String(err) })
        } else {
          catalogue = await fromPeersOrFail(cid, err)
          await writeCache(cached, catalogue)
        }
      }
      kept = { cid, catalogue }
      return catalogue
    },
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

/** The last catalogue the tracker gave, as its block: used only while its CID is the params'. */
const CACHE_FILE = 'catalogue.cbor'

async function writeCache(path: string, catalogue: Catalogue): Promise<void> {
  // written whole, then renamed: a crash leaves the old file or the new one, never half of one
  await writeFile(`${path}.tmp`, encodeCatalogue(catalogue))
  await rename(`${path}.tmp`, path)
}

async function readCache(path: string, cid: string): Promise<Catalogue | undefined> {
  try {
    const bytes = await readFile(path)
    if (cidOfDagCbor(bytes).toString() !== cid) return undefined
    return decodeCatalogue(bytes)
  } catch {
    return undefined
  }
}
