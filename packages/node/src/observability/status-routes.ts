import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type SendOptions, sendHttp } from '@spark-swarm/http'
import type { Registry } from 'prom-client'
import type { ObservedNode } from './metrics.js'
import { STATUS_PAGE_HTML, STATUS_PAGE_SCRIPT, STATUS_PAGE_STYLE } from './status-page.js'

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** The page runs its one inline script and style, and talks to this server only. */
const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(STATUS_PAGE_SCRIPT)}`,
  `style-src ${hash(STATUS_PAGE_STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

export function send(res: ServerResponse, head: boolean, status: number, type: string, body: string, headers: SendOptions['headers'] = {}) {
  sendHttp(res, status, type, body, { common: COMMON_HEADERS, headers, head })
}

export function json(res: ServerResponse, head: boolean, status: number, value: unknown, headers?: SendOptions['headers']) {
  send(res, head, status, 'application/json; charset=utf-8', JSON.stringify(value), headers)
}

type Route = (res: ServerResponse, head: boolean) => Promise<void> | void

export interface StatusRouteComponents {
  node: ObservedNode
  registry: Registry
  isRunning(): boolean
  /** Answers `/ipfs/{cid}` (the trustless gateway); without it those paths are 404s. */
  gateway?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>
}

function statusRoutes({ node, registry, isRunning }: StatusRouteComponents): Record<string, Route> {
  return {
    '/': (res, head) => send(res, head, 200, 'text/html; charset=utf-8', STATUS_PAGE_HTML, { 'content-security-policy': PAGE_CSP }),
    '/metrics': async (res, head) => send(res, head, 200, registry.contentType, await registry.metrics()),
    '/healthz': (res, head) => {
      let running = false
      try {
        running = isRunning()
      } catch {}
      send(res, head, running ? 200 : 503, 'text/plain; charset=utf-8', running ? 'ok\n' : 'not running\n')
    },
    // x-server-time lets the page count down in the node's clock, whatever the browser's says
    '/api/status': (res, head) => json(res, head, 200, node.status(), { 'x-server-time': String(Date.now()) }),
  }
}

/**
 * The request's path as sent. Not `new URL(url, base)`: that reads `//metrics` as a host named
 * `metrics` with the path `/`, so a doubled slash served the page instead of a 404.
 */
export function requestPath(url: string | undefined): string | undefined {
  return requestUrl(url)?.pathname
}

/** The request's path and query, as `requestPath` reads them. */
export function requestUrl(url: string | undefined): URL | undefined {
  const target = url ?? '/'
  try {
    // origin-form (`/path?query`) is the usual; absolute-form (`http://host/path`) is allowed too
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target)
  } catch {
    return undefined
  }
}

/**
 * The status server's answers: a route by path (`/index.html` is `/`), HEAD where GET works, any
 * other method a 405, any other path a 404, both as JSON; `/ipfs/…` to the gateway if there is one.
 */
export function createStatusHandler(components: StatusRouteComponents) {
  const routes = statusRoutes(components)
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req.url)
    if (url === undefined) return json(res, false, 400, { error: 'bad request' })
    let path = url.pathname
    if (components.gateway && path.startsWith('/ipfs/')) return components.gateway(req, res, url)
    if (path === '/index.html') path = '/'
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined
    if (!route) return json(res, req.method === 'HEAD', 404, { error: 'not found', path })
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(res, false, 405, { error: 'method not allowed', method: req.method ?? '' }, { allow: 'GET, HEAD' })
    }
    await route(res, req.method === 'HEAD')
  }
}
