import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TrackerClient } from '@spark-swarm/node'
import {
  type Catalogue,
  cidOfDagCbor,
  decodeCatalogue,
  encodeCatalogue,
  type ProtocolParams,
  validateCatalogue,
} from '@spark-swarm/protocol'
import { CliError } from '../cli-error.js'
import { readJsonFile } from '../read-json.js'

/**
 * Where the task catalogue comes from: the `--catalogue` file, else the tracker, by the CID the
 * params name (spec §1.3), checked by hashing. The last one is kept, so a params change that
 * keeps the catalogue fetches nothing, and written to the data dir, so that a node restarted while
 * the tracker is down starts on it as it does on the cached params.
 */
export function catalogueSource(
  file: string | undefined,
  dataDir: string,
  tracker: Pick<TrackerClient, 'catalogue'> | undefined,
  { info, operatorError }: { info: (message: string, fields: Record<string, unknown>) => void; operatorError: (err: unknown) => unknown },
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
        if (!saved) throw operatorError(err)
        catalogue = saved
        info('catalogue from the data dir: the tracker did not give it', { catalogueCid: cid, error: String(err) })
      }
      kept = { cid, catalogue }
      return catalogue
    },
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
