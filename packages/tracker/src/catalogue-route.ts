import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TrackerConfig } from './config.js'
import type { ServedCatalogue } from './config-catalogue.js'
import { sendError } from './respond.js'

/*
 * GET /v1/catalogue: the task catalogue as the DAG-CBOR block its CID names, so that a node that
 * knows only the tracker's URL gets the catalogue too, and checks it against `params.catalogueCid`
 * by hashing: the tracker is not trusted for it (spec §1.3). `?cid=` asks for one by CID: the one
 * in force or the one an announced change brings, which a node fetches before that round.
 */

export const CATALOGUE_TYPE = 'application/vnd.ipld.dag-cbor'

/** The catalogues the config names: in force, and announced. */
function catalogues(config: TrackerConfig): ServedCatalogue[] {
  return [config.catalogue, config.upcoming?.catalogue].filter((c): c is ServedCatalogue => c !== undefined)
}

export function answerCatalogue(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  config: TrackerConfig,
  inForceCid: string | null,
): void {
  const asked = url.searchParams.get('cid')
  const cid = asked ?? inForceCid
  const found = cid === null ? undefined : catalogues(config).find((c) => c.cid === cid)
  if (!found) {
    const what = asked ? `catalogue ${asked.slice(0, 100)}` : 'the catalogue of the params in force'
    sendError(
      res,
      404,
      'CATALOGUE_UNKNOWN',
      `${what} is not served here: the tracker's config names ${
        catalogues(config)
          .map((c) => c.cid)
          .join(', ') || 'none'
      }`,
    )
    return
  }
  res.writeHead(200, {
    'content-type': CATALOGUE_TYPE,
    'content-length': String(found.bytes.byteLength),
    etag: `"${found.cid}"`,
    // a block by its CID never changes; "the one in force" does, at a round boundary
    'cache-control': asked ? 'public, max-age=29030400, immutable' : 'no-store',
    'x-content-type-options': 'nosniff',
    'x-catalogue-cid': found.cid,
  })
  res.end(req.method === 'HEAD' ? undefined : Buffer.from(found.bytes.buffer, found.bytes.byteOffset, found.bytes.byteLength))
}
