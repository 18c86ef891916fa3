import { dirname, resolve } from 'node:path'
import { type Catalogue, cidOfDagCbor, encodeCatalogue, validateCatalogue } from '@spark-swarm/protocol'

/*
 * The tracker config's `catalogue` key (and `upcoming.catalogue`): a catalogue file beside the
 * config, validated as the nodes validate it, whose CID becomes `params.catalogueCid` and whose
 * DAG-CBOR block the tracker serves at /v1/catalogue (spec §1.3).
 */

/** The catalogue a tracker serves: its DAG-CBOR block and that block's CID. */
export interface ServedCatalogue {
  cid: string
  bytes: Uint8Array
  entries: number
}

/** How the config reads the files it names (a test or the fuzzer gives its own). */
export interface CatalogueFiles {
  readFile(path: string): Uint8Array
}

/** A catalogue of Spark's size (a few thousand entries) is a few hundred kilobytes. */
const MAX_CATALOGUE_BYTES = 64 * 1024 * 1024

/** The `catalogue` key: a file beside the config, validated as the nodes will (spec §3), and its CID. */
export function readCatalogue(
  value: unknown,
  path: string,
  files: CatalogueFiles,
  fail: (key: string, rule: string, cause?: unknown) => never,
  key = 'catalogue',
): ServedCatalogue {
  if (typeof value !== 'string' || value === '') return fail(key, 'must be the path of a catalogue file, e.g. "catalogue.json"')
  const file = resolve(dirname(path), value)
  let bytes: Uint8Array
  try {
    bytes = files.readFile(file)
  } catch (err) {
    return fail(key, `names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, err)
  }
  if (bytes.byteLength > MAX_CATALOGUE_BYTES) fail(key, `names ${file}, larger than ${MAX_CATALOGUE_BYTES} bytes`)
  let catalogue: Catalogue
  try {
    catalogue = validateCatalogue(JSON.parse(new TextDecoder().decode(bytes)) as Catalogue)
  } catch (err) {
    return fail(
      key,
      `names ${file}, which is not a catalogue ({"entries": [{"cid", "minerId", "providerId"?}]}): ${(err as Error).message}`,
      err,
    )
  }
  const block = encodeCatalogue(catalogue)
  return { cid: cidOfDagCbor(block).toString(), bytes: block, entries: catalogue.entries.length }
}
