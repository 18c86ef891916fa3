import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import { type Logger, silentLogger } from '../node/logger.js'
import type { ObservedNode } from './metrics.js'
import { STATUS_PAGE_HTML, STATUS_PAGE_SCRIPT, STATUS_PAGE_STYLE } from './status-page.js'

export interface StatusServerOptions {
  node: ObservedNode
  /** Served at `/metrics`; typically `instrumentNode(node).registry`. */
  registry: Registry
  /** Default 127.0.0.1: the status is for the operator, not the world. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  logger?: Logger
  /** Whether `/healthz` reports healthy; default: the node has a running libp2p host. */
  isRunning?: () => boolean
}

export interface StatusServer {
  /** e.g. `http://127.0.0.1:9090/` */
  url: string
  port: number
  stop(): Promise<void>
}

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

type Route = (res: ServerResponse, head: boolean) => Promise<void> | void

/**
 * The node's HTTP status endpoint: `GET /metrics` (Prometheus text), `GET /healthz`,
 * `GET /api/status` (`node.status()` as JSON) and `GET /` (the status page). HEAD works where GET
 * does; any other method is a 405, any other path a 404, both as JSON.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { node, registry } = options
  const host = options.host ?? '127.0.0.1'
  const log = options.logger ?? silentLogger
  const isRunning = options.isRunning ?? (() => node.host !== undefined)

  const send = (res: ServerResponse, head: boolean, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...COMMON_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers })
    res.end(head ? undefined : body)
  }
  const json = (res: ServerResponse, head: boolean, status: number, value: unknown, headers?: Record<string, string>) =>
    send(res, head, status, 'application/json; charset=utf-8', JSON.stringify(value), headers)

  const routes: Record<string, Route> = {
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

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let path: string
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname
    } catch {
      return json(res, false, 400, { error: 'bad request' })
    }
    if (path === '/index.html') path = '/'
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined
    if (!route) return json(res, req.method === 'HEAD', 404, { error: 'not found', path })
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(res, false, 405, { error: 'method not allowed', method: req.method ?? '' }, { allow: 'GET, HEAD' })
    }
    await route(res, req.method === 'HEAD')
  }

  const server = createServer((req, res) => {
    // a request body is never read: drop it rather than buffer it
    req.resume()
    handle(req, res).catch((err: unknown) => {
      log.error('status server: request failed', { url: req.url, error: err instanceof Error ? err.message : String(err) })
      if (res.headersSent) res.destroy()
      else json(res, false, 500, { error: 'internal error' })
    })
  })
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
    else socket.destroy()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (err) => log.error('status server error', { error: err.message }))

  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
  log.info('status server listening', { url })

  let stopping: Promise<void> | undefined
  return {
    url,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopping
    },
  }
}
