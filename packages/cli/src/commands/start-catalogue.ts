import type { TrackerClient } from '@spark-swarm/node'
import { type Catalogue, type ProtocolParams, validateCatalogue } from '@spark-swarm/protocol'
import { CliError } from '../cli-error.js'
import { readJsonFile } from '../read-json.js'

/**
 * Where the task catalogue comes from: the `--catalogue` file, else the tracker, by the CID the
 * params name (spec §1.3), checked by hashing. The last one is kept, so a params change that
 * keeps the catalogue fetches nothing.
 */
export function catalogueSource(
  file: string | undefined,
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
      const catalogue = await tracker.catalogue(cid).catch((err) => {
        throw operatorError(err)
      })
      info('catalogue from the tracker', { catalogueCid: cid, entries: catalogue.entries.length })
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
