import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendHttp } from '@spark-swarm/http'
import { carBytes } from './car-bytes.js'
import { gatewayDag } from './dag.js'
import { GatewayLimitError, type LocalBlocks, localReader } from './local-blocks.js'
import { CAR_TYPE, type GatewayRequest, parseGatewayRequest, RAW_TYPE } from './request.js'

export interface GatewayLimits {
  /** Blocks in one CAR; default 100 000. */
  maxBlocks: number
  /** Bytes of block data in one response; default 64 MiB. */
  maxBytes: number
  /** Time to gather one response from disk; default 10 s. */
  timeoutMs: number
  /** Gateway requests answered at once; more get a 429; default 4. */
  maxConcurrent: number
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = { maxBlocks: 100_000, maxBytes: 64 * 1024 * 1024, timeoutMs: 10_000, maxConcurrent: 4 }

export interface GatewayOptions {
  /** The node's blockstore, or undefined while it has none (then 503). Read locally only. */
  blocks(): LocalBlocks | undefined
  limits?: Partial<GatewayLimits>
}

/** What the trustless-gateway spec asks of every answer, errors included. */
const COMMON = { 'x-content-type-options': 'nosniff', vary: 'Accept' }
const IMMUTABLE = 'public, max-age=29030400, immutable'

function fail(res: ServerResponse, head: boolean, status: number, error: string, headers: Record<string, string> = {}) {
  const body = `${JSON.stringify({ error })}`
  sendHttp(res, status, 'application/json; charset=utf-8', body, { common: { ...COMMON, 'cache-control': 'no-store' }, headers, head })
}

/**
 * `GET|HEAD /ipfs/{cid}`: a read-only trustless gateway over the blocks the node holds. Never asks
 * the network: a block not held is a 404. A CAR holds the DAG below the CID as far as the node
 * holds it; one with blocks left out is not cached as immutable.
 */
export function createGatewayHandler(options: GatewayOptions) {
  const limits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits }
  let active = 0
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const head = req.method === 'HEAD'
    if (req.method !== 'GET' && !head) return fail(res, false, 405, `method not allowed: ${req.method ?? ''}`, { allow: 'GET, HEAD' })
    const request = parseGatewayRequest(url, req.headers.accept)
    if ('error' in request) return fail(res, head, request.status, request.error)
    const blocks = options.blocks()
    if (!blocks) return fail(res, head, 503, 'the node is not running', { 'retry-after': '5' })
    if (active >= limits.maxConcurrent) return fail(res, head, 429, 'too many gateway requests at once', { 'retry-after': '1' })
    active++
    // a client that goes away stops the reading too
    const gone = new AbortController()
    res.once('close', () => gone.abort())
    try {
      await answer(res, head, request, blocks, limits, AbortSignal.any([gone.signal, AbortSignal.timeout(limits.timeoutMs)]), req)
    } catch (err) {
      if (err instanceof GatewayLimitError) {
        return fail(
          res,
          head,
          403,
          `the DAG is larger than this gateway serves (${err.message}): ask for its blocks with ?format=raw or dag-scope=block`,
        )
      }
      if (gone.signal.aborted) return
      if ((err as Error).name === 'TimeoutError') return fail(res, head, 504, `gathering the response took over ${limits.timeoutMs} ms`)
      throw err
    } finally {
      active--
    }
  }
}

async function answer(
  res: ServerResponse,
  head: boolean,
  request: GatewayRequest,
  blocks: LocalBlocks,
  limits: GatewayLimits,
  signal: AbortSignal,
  req: IncomingMessage,
) {
  const { cid, format } = request
  let missing = 0
  const held = localReader(blocks, { maxBlocks: format === 'raw' ? 1 : limits.maxBlocks, maxBytes: limits.maxBytes, signal })
  const read = async (c: typeof cid) => {
    const bytes = await held(c)
    if (!bytes && !c.equals(cid)) missing++
    return bytes
  }
  let body: Uint8Array
  let etag: string
  if (format === 'raw' || request.scope === 'block') {
    const bytes = await read(cid)
    if (!bytes) return fail(res, head, 404, `block not held by this node: ${cid}`)
    body = format === 'raw' ? bytes : await carBytes(cid, [{ cid, bytes }])
    etag = `"${cid}.${format === 'raw' ? 'raw' : 'car.block'}"`
  } else {
    const dag = await gatewayDag(cid, read)
    if (dag.length === 0) return fail(res, head, 404, `block not held by this node: ${cid}`)
    body = await carBytes(cid, dag)
    // the blocks held may grow (catch-up): the tag names the ones this CAR holds
    const which = createHash('sha256')
    for (const block of dag) which.update(block.cid.bytes)
    etag = `"${cid}.car.${which.digest('base64url').slice(0, 16)}"`
  }
  const filename = `${cid}.${format === 'raw' ? 'bin' : 'car'}`
  const headers = {
    ...COMMON,
    'content-type': format === 'raw' ? RAW_TYPE : `${CAR_TYPE}; version=1; order=unk; dups=n`,
    'content-length': String(body.length),
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': missing === 0 ? IMMUTABLE : 'public, max-age=60',
    etag,
    'x-ipfs-path': `/ipfs/${cid}`,
    'x-ipfs-roots': cid.toString(),
    ...(missing > 0 ? { 'x-missing-blocks': String(missing) } : {}),
  }
  if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) {
    const { 'content-length': _, ...rest } = headers
    res.writeHead(304, rest)
    res.end()
    return
  }
  res.writeHead(200, headers)
  res.end(head ? undefined : body)
}
