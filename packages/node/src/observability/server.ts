import { createServer } from 'node:http'
import { closeHttp, httpUrl, listenHttp } from '@spark-swarm/http'
import type { Registry } from 'prom-client'
import { createGatewayHandler, type GatewayLimits, type LocalBlocks } from '../gateway/index.js'
import { ListenError } from '../node/listen-error.js'
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
  /**
   * `GET /ipfs/{cid}`, a read-only trustless gateway over the blocks the node holds (its anchored
   * summaries): on by default, `false` turns it off. `blocks` defaults to the node's blockstore.
   */
  gateway?: false | { blocks?: () => LocalBlocks | undefined; limits?: Partial<GatewayLimits> }
}

export interface StatusServer {
  /** e.g. `http://127.0.0.1:9090/` */
  url: string
  port: number
  stop(): Promise<void>
}

/**
 * The node's HTTP status endpoint: `GET /metrics` (Prometheus text), `GET /healthz`,
 * `GET /api/status` (`node.status()` as JSON), `GET /` (the status page) and `GET /ipfs/{cid}`
 * (the trustless gateway, unless turned off). HEAD works where GET does; any other method is a
 * 405, any other path a 404, both as JSON.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { node, registry } = options
  const host = options.host ?? '127.0.0.1'
  const log = options.logger ?? silentLogger
  const gateway =
    options.gateway === false
      ? undefined
      : createGatewayHandler({
          blocks: options.gateway?.blocks ?? (() => node.host?.helia.blockstore),
          ...(options.gateway?.limits ? { limits: options.gateway.limits } : {}),
        })
  const handle = createStatusHandler({
    node,
    registry,
    isRunning: options.isRunning ?? (() => node.host !== undefined),
    ...(gateway ? { gateway } : {}),
  })

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

  const { port } = await listenHttp(server, options.port ?? 0, host).catch((err: unknown) => {
    throw statusListenError(err, host, options.port ?? 0)
  })
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

/** The status server's listen failure as a ListenError naming host:port and the flags that move it. */
function statusListenError(err: unknown, host: string, port: number): ListenError {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE') {
    return new ListenError(
      'STATUS_PORT_IN_USE',
      address,
      `the status API cannot listen on ${address}: the port is in use (another node?): stop what holds it, or pass another --api-port`,
      { cause: err },
    )
  }
  const why = err instanceof Error ? err.message : String(err)
  return new ListenError(
    'STATUS_LISTEN_FAILED',
    address,
    `the status API cannot listen on ${address} (${why}): pass another --api-host or --api-port`,
    { cause: err },
  )
}
