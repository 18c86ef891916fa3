import { CID } from 'multiformats/cid'

export const RAW_TYPE = 'application/vnd.ipld.raw'
export const CAR_TYPE = 'application/vnd.ipld.car'

export type GatewayFormat = 'raw' | 'car'

export interface GatewayRequest {
  cid: CID
  format: GatewayFormat
  /** `block`: the root alone; `all` (the default, and what `entity` means for these DAGs): the DAG below it. */
  scope: 'block' | 'all'
}

export type GatewayRequestError = { status: 400 | 406; error: string }

/**
 * A trustless-gateway request (`/ipfs/{cid}`, spec: specs.ipfs.tech/http-gateways/trustless-gateway)
 * read from its path, query and Accept header. A specific Accept type that is served wins over
 * `?format=`; with neither, or only types not served, the answer is a 406: this gateway returns
 * only verifiable responses, never a deserialised one. No paths below the CID: 400.
 */
export function parseGatewayRequest(url: URL, accept: string | undefined): GatewayRequest | GatewayRequestError {
  const rest = url.pathname.slice('/ipfs/'.length)
  const [cidText, ...below] = rest.split('/')
  if (!cidText) return { status: 400, error: 'no CID: ask for /ipfs/{cid}' }
  if (below.some((segment) => segment !== '')) return { status: 400, error: 'paths below a CID are not served: ask for the CID itself' }
  let cid: CID
  try {
    cid = CID.parse(decodeURIComponent(cidText))
  } catch {
    return { status: 400, error: `not a CID: ${cidText.slice(0, 100)}` }
  }
  const format = negotiate(accept, url.searchParams.get('format'))
  if (typeof format !== 'string') return format
  const scope = url.searchParams.get('dag-scope') ?? 'all'
  if (scope !== 'block' && scope !== 'entity' && scope !== 'all') return { status: 400, error: `unknown dag-scope: ${scope.slice(0, 20)}` }
  return { cid, format, scope: scope === 'block' ? 'block' : 'all' }
}

function negotiate(accept: string | undefined, format: string | null): GatewayFormat | GatewayRequestError {
  const offered = (accept ?? '').split(',').map(mediaType)
  for (const type of offered) {
    if (type.name === RAW_TYPE) return 'raw'
    // CARv1 only: a CARv2 asked for is not what this gateway writes
    if (type.name === CAR_TYPE && (type.params.get('version') ?? '1') === '1') return 'car'
  }
  if (format === 'raw' || format === 'car') return format
  const asked = format ?? (accept?.trim() || 'nothing')
  return { status: 406, error: `not served: ${asked.slice(0, 100)}; ask for ${RAW_TYPE} or ${CAR_TYPE} (or ?format=raw, ?format=car)` }
}

function mediaType(part: string): { name: string; params: Map<string, string> } {
  const [name = '', ...params] = part.split(';').map((p) => p.trim())
  const pairs = params.map((p) => p.split('=').map((x) => x.trim().toLowerCase()) as [string, string])
  return { name: name.toLowerCase(), params: new Map(pairs.filter(([k, v]) => k && v !== undefined)) }
}
