import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { sendHttp } from '@spark-swarm/http'
import type { CID } from 'multiformats/cid'
import { type Body, bodyFor } from './gateway-bodies.js'
import { CAR_CONTENT_TYPE, parseGatewayRequest, RAW_CONTENT_TYPE, type ResponseFormat } from './gateway-request.js'
import type { EvenSpread, ProviderProfile } from './profiles.js'

/** Live request counts, for tests and the demo's narration. */
export interface ProviderRequests {
  get: number
  head: number
  bitswap: number
}

export interface GatewayComponents {
  profile(): ProviderProfile
  /** The flaky profile's per-method decision streams (GET and HEAD are counted apart). */
  flaky(method: 'GET' | 'HEAD'): EvenSpread
  getBlock(cid: CID): Promise<Uint8Array | undefined>
  requests: ProviderRequests
  /** Aborted by the provider's stop(): ends pending delays. */
  signal: AbortSignal
}

const FILL_CHUNK = new Uint8Array(64 * 1024).fill(0xa5)

/**
 * A trustless HTTP gateway (`GET|HEAD /ipfs/{cid}?dag-scope=block`) whose answers follow the
 * provider's current profile. Order matters and mirrors a real misbehaving SP: malformed requests
 * are 400 whatever the profile, then the profile's delay or failure status, then 404 for a CID the
 * provider does not hold, then the (possibly corrupted) body. HEAD goes through the same steps and
 * stops after the headers.
 */
export function createGatewayHandler(components: GatewayComponents) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method === 'HEAD' ? 'HEAD' : req.method === 'GET' ? 'GET' : undefined
    if (method === undefined) return sendStatus(res, 405, 'only GET and HEAD are supported', { allow: 'GET, HEAD' })
    components.requests[method === 'GET' ? 'get' : 'head']++
    const parsed = parseGatewayRequest(req)
    if (!parsed.ok) return sendStatus(res, parsed.status, parsed.message)

    const profile = components.profile()
    const closed = closeSignal(res)
    if (profile.kind === 'slow-first-byte') {
      const aborted = await sleep(profile.delayMs, false, { signal: AbortSignal.any([closed, components.signal]) }).catch(() => true)
      if (aborted) return void res.destroy()
    }
    if (profile.kind === 'http-5xx') return sendStatus(res, profile.status, 'provider failure (devnet http-5xx profile)')
    if (profile.kind === 'flaky' && components.flaky(method).nextFails()) {
      return sendStatus(res, profile.status ?? 502, 'provider failure (devnet flaky profile)')
    }

    const bytes = await components.getBlock(parsed.cid)
    if (bytes === undefined) return sendStatus(res, 404, `block ${parsed.cid} not found`)

    res.writeHead(200, {
      'content-type': contentType(parsed.format),
      'x-ipfs-path': `/ipfs/${parsed.cid}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=29030400, immutable',
    })
    if (method === 'HEAD') return void res.end()
    await sendBody(res, await bodyFor(profile, parsed.format, { cid: parsed.cid, bytes }), closed)
  }
}

function contentType(format: ResponseFormat): string {
  return format === 'car' ? `${CAR_CONTENT_TYPE}; version=1` : RAW_CONTENT_TYPE
}

async function sendBody(res: ServerResponse, body: Body, closed: AbortSignal): Promise<void> {
  switch (body.kind) {
    case 'bytes':
      res.end(body.bytes)
      return
    case 'stall':
      // Flush the first bytes, then hold the socket open without ending: only the client giving up
      // or the provider stopping (closeAllConnections) ends this response.
      res.flushHeaders()
      if (body.bytes.length > 0) res.write(body.bytes)
      if (!closed.aborted) await new Promise((resolve) => closed.addEventListener('abort', resolve, { once: true }))
      return
    case 'stream': {
      if (body.prefix.length > 0 && !res.write(body.prefix)) await drained(res, closed)
      let left = body.fillBytes
      while (left > 0 && !closed.aborted) {
        const chunk = left >= FILL_CHUNK.length ? FILL_CHUNK : FILL_CHUNK.subarray(0, left)
        left -= chunk.length
        // Respect backpressure so a 200 MiB body costs one 64 KiB chunk of memory, not 200 MiB.
        if (!res.write(chunk)) await drained(res, closed)
      }
      res.end()
      return
    }
  }
}

/** A status with a one-line text body (none for HEAD), without content-length, as gateways often answer errors. */
function sendStatus(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendHttp(res, status, 'text/plain; charset=utf-8', `${message}\n`, { headers, head: res.req.method === 'HEAD', contentLength: false })
}

/** Aborts once the response is closed, whether it finished or the client went away. */
function closeSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController()
  res.once('close', () => controller.abort())
  return controller.signal
}

function drained(res: ServerResponse, closed: AbortSignal): Promise<void> {
  if (closed.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      closed.removeEventListener('abort', done)
      resolve()
    }
    res.once('drain', done)
    closed.addEventListener('abort', done, { once: true })
  })
}
