import { createServer } from 'node:http'
import { closeHttp, httpUrl, listenHttp } from '@spark-swarm/http'
import type { Registry } from 'prom-client'
import { type Logger, silentLogger } from '../node/logger.js'
import type { ObservedNode } from './metrics.js'
import { createStatusHandler, json } from './status-routes.js'

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

/**
 * The node's HTTP status endpoint: `GET /metrics` (Prometheus text), `GET /healthz`,
 * `GET /api/status` (`node.status()` as JSON) and `GET /` (the status page). HEAD works where GET
 * does; any other method is a 405, any other path a 404, both as JSON.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { node, registry } = options
  const host = options.host ?? '127.0.0.1'
  const log = options.logger ?? silentLogger
  const handle = createStatusHandler({ node, registry, isRunning: options.isRunning ?? (() => node.host !== undefined) })

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

  const { port } = await listenHttp(server, options.port ?? 0, host)
  server.on('error', (err) => log.error('status server error', { error: err.message }))
  // the URL names the host asked for (e.g. localhost), not the address it resolved to
  const url = `${httpUrl(host, port)}/`
  log.info('status server listening', { url })

  let stopping: Promise<void> | undefined
  return {
    url,
    port,
    stop() {
      stopping ??= closeHttp(server)
      return stopping
    },
  }
}
