import type { IncomingMessage } from 'node:http'
import { CID } from 'multiformats/cid'

export const CAR_CONTENT_TYPE = 'application/vnd.ipld.car'
export const RAW_CONTENT_TYPE = 'application/vnd.ipld.raw'

export type ResponseFormat = 'car' | 'raw'

export type GatewayRequest = { ok: true; cid: CID; format: ResponseFormat } | { ok: false; status: number; message: string }

const DAG_SCOPES = new Set(['block', 'entity', 'all'])

/**
 * Parses `GET|HEAD /ipfs/{cid}?dag-scope=block` as the trustless gateway spec defines it: the
 * response format comes from `?format=` or, failing that, from `Accept`; a request that asks for
 * neither a CAR nor a raw block is refused with 406, since this gateway serves nothing else.
 * Every block the devnet holds is a whole DAG, so all dag-scope values return the same block.
 */
export function parseGatewayRequest(req: IncomingMessage): GatewayRequest {
  const url = new URL(req.url ?? '/', 'http://gateway.invalid')
  const match = /^\/ipfs\/([^/]+)\/?$/.exec(url.pathname)
  if (match === null) return { ok: false, status: 400, message: 'expected a path of the form /ipfs/{cid}' }
  let cid: CID
  try {
    cid = CID.parse(decodeURIComponent(match[1]!))
  } catch {
    return { ok: false, status: 400, message: 'the path does not hold a valid CID' }
  }
  const scope = url.searchParams.get('dag-scope')
  if (scope !== null && !DAG_SCOPES.has(scope)) return { ok: false, status: 400, message: 'dag-scope must be block, entity or all' }
  const format = url.searchParams.get('format')
  if (format !== null) {
    if (format === 'car' || format === 'raw') return { ok: true, cid, format }
    return { ok: false, status: 400, message: 'format must be car or raw' }
  }
  const accepted = formatFromAccept(req.headers.accept)
  if (accepted === undefined) return { ok: false, status: 406, message: `send Accept: ${CAR_CONTENT_TYPE} or ${RAW_CONTENT_TYPE}` }
  return { ok: true, cid, format: accepted }
}

/** The first of the CAR or raw media types listed in `Accept` (parameters such as version=1 ignored). */
function formatFromAccept(accept: string | undefined): ResponseFormat | undefined {
  for (const range of (accept ?? '').split(',')) {
    const type = range.split(';')[0]!.trim().toLowerCase()
    if (type === CAR_CONTENT_TYPE) return 'car'
    if (type === RAW_CONTENT_TYPE) return 'raw'
  }
  return undefined
}
