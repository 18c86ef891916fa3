import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { compareVersions, parseVersion } from '@spark-swarm/protocol'
import type { Registry } from 'prom-client'
import { parseTrackerConfig, readConfigText, type TrackerConfig } from './config.js'
import { watchConfig } from './config-watcher.js'
import { silentLogger, type TrackerLogger } from './logger.js'
import { createTrackerMetrics, type RouteLabel } from './metrics.js'

/** The header a checker sends its version in. */
export const VERSION_HEADER = 'x-spark-swarm-version'
/** The header the gate answers the current minimum in (the outdated body must stay exact). */
export const MIN_VERSION_HEADER = 'x-spark-swarm-min-version'
/** The exact body of the outdated answer, as Spark's orchestrator sends it. */
export const OUTDATED_CLIENT_BODY = 'OUTDATED CLIENT'
export const VERSION_INVALID_MESSAGE = `send your version in the ${VERSION_HEADER} header, e.g. 1.4.0`

export interface StartTrackerOptions {
  /** The JSON config file; read at start (a bad file throws) and followed afterwards. */
  configPath: string
  /** Default 127.0.0.1: put a reverse proxy in front to serve the world. */
  host?: string
  /** Default 0: a free port (see `port` on the result). */
  port?: number
  logger?: TrackerLogger
  /** Period of the stat fallback of the file watch; default 1000, 0 turns it off. */
  reloadIntervalMs?: number
  /** How long a client may take to send a whole request; default 10_000. */
  requestTimeoutMs?: number
  /** Connections open at once; default 1024. */
  maxConnections?: number
}

export interface Tracker {
  /** `http://host:port`, without a trailing slash. */
  url: string
  port: number
  /** The config being served: the last good one read. */
  config(): TrackerConfig
  /** Re-reads the file now; rejects with TrackerConfigError (and keeps serving the old config) when it is bad. */
  reload(): Promise<void>
  /** Stops watching, closes every connection and the server. Idempotent. */
  stop(): Promise<void>
  registry: Registry
}

const MAX_HEADER_SIZE = 8192
const ALLOW = 'GET, HEAD'
const ROUTES = new Set<RouteLabel>(['/v1/network', '/v1/gate', '/healthz', '/metrics'])

interface Served {
  config: TrackerConfig
  /** The /v1/network body, serialised once per config. */
  networkBody: string
}

function serve(config: TrackerConfig): Served {
  const { params } = config
  return {
    config,
    networkBody: JSON.stringify({
      network: params.network,
      params,
      paramsDigest: config.paramsDigest,
      bootstrap: config.bootstrap,
      catalogueCid: params.catalogueCid,
      minCheckerVersion: config.minCheckerVersion,
    }),
  }
}

const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  })
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers)
}

function sendError(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers)
}

/** A raw JSON error response for a socket whose request could not be parsed. */
function rawError(status: number, reason: string, error: string, message: string): string {
  const body = JSON.stringify({ error, message })
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  )
}

/** The request target as a URL: origin-form (`/path?query`) or absolute-form; null otherwise. */
function parseTarget(target: string): URL | null {
  try {
    if (target.startsWith('/')) return new URL(`http://tracker.invalid${target}`)
    if (/^https?:\/\//i.test(target)) return new URL(target)
  } catch {
    // not a URL: answered with BAD_URL
  }
  return null
}

function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true
  const length = req.headers['content-length']
  return length !== undefined && length !== '0'
}

/**
 * Starts the tracker: reads the config (throwing TrackerConfigError naming the file and key when
 * it is bad), listens, and follows the file so a new minimum version applies without a restart.
 */
export async function startTracker(options: StartTrackerOptions): Promise<Tracker> {
  const { configPath, host = '127.0.0.1', port = 0, logger = silentLogger } = options
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const metrics = createTrackerMetrics()

  const initialText = await readConfigText(configPath)
  let served = serve(parseTrackerConfig(initialText, configPath))
  metrics.minVersion(served.config.minCheckerVersion)

  const watcher = watchConfig({
    path: configPath,
    initial: served.config,
    initialText,
    logger,
    intervalMs: options.reloadIntervalMs ?? 1000,
    onReload: (config) => {
      served = serve(config)
      metrics.reload('success')
      metrics.minVersion(config.minCheckerVersion)
    },
    onFailure: () => metrics.reload('failure'),
  })

  const handleGate = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const header = req.headers[VERSION_HEADER]
    const version = typeof header === 'string' ? header : url.searchParams.get('version')
    const min = served.config.minCheckerVersion
    let valid = version !== null && version !== ''
    if (valid) {
      try {
        parseVersion(version as string)
      } catch {
        valid = false
      }
    }
    if (!valid) {
      metrics.gate('invalid')
      sendError(res, 400, 'VERSION_INVALID', VERSION_INVALID_MESSAGE)
      return
    }
    if (compareVersions(version as string, min) >= 0) {
      metrics.gate('ok')
      sendJson(res, 200, { ok: true, minCheckerVersion: min }, { [MIN_VERSION_HEADER]: min })
    } else {
      metrics.gate('outdated')
      send(res, 400, 'text/plain; charset=utf-8', OUTDATED_CLIENT_BODY, { [MIN_VERSION_HEADER]: min })
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL, route: RouteLabel): Promise<void> => {
    switch (route) {
      case '/v1/network':
        send(res, 200, 'application/json; charset=utf-8', served.networkBody)
        return
      case '/v1/gate':
        handleGate(req, res, url)
        return
      case '/healthz':
        send(res, 200, 'text/plain; charset=utf-8', 'ok')
        return
      case '/metrics': {
        const text = await metrics.registry.metrics()
        send(res, 200, metrics.registry.contentType, text)
        return
      }
      default:
        sendError(res, 404, 'NOT_FOUND', `no route ${url.pathname.slice(0, 100)}: try GET /v1/network or GET /v1/gate`)
    }
  }

  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_SIZE,
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 5_000),
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, requestTimeoutMs / 2)),
      // Node answers a missing Host with an empty 400; the handler answers it with a JSON error
      requireHostHeader: false,
    },
    (req, res) => {
      const started = performance.now()
      let route: RouteLabel = 'unmatched'
      let path = ''
      req.on('error', () => {})
      res.on('error', () => {})
      res.on('finish', () => {
        metrics.request(route, res.statusCode)
        logger.info('request', {
          method: req.method,
          path,
          route,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          remote: req.socket.remoteAddress,
        })
      })
      const answer = async () => {
        const url = parseTarget(req.url ?? '')
        if (url === null) {
          sendError(res, 400, 'BAD_URL', 'the request target must be a path like /v1/network')
          return
        }
        path = url.pathname.slice(0, 200)
        if (req.httpVersion === '1.1' && req.headers.host === undefined) {
          res.setHeader('connection', 'close')
          sendError(res, 400, 'HOST_MISSING', 'an HTTP/1.1 request must carry a Host header')
          return
        }
        // no route takes a body: close the connection after answering rather than drain it
        if (hasBody(req)) res.setHeader('connection', 'close')
        if (!ROUTES.has(url.pathname as RouteLabel)) {
          await handle(req, res, url, 'unmatched')
          return
        }
        route = url.pathname as RouteLabel
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendError(res, 405, 'METHOD_NOT_ALLOWED', `${route} answers ${ALLOW} only`, { allow: ALLOW })
          return
        }
        if (hasBody(req)) {
          sendError(res, 413, 'BODY_NOT_ALLOWED', `${route} takes no request body`)
          return
        }
        await handle(req, res, url, route)
      }
      answer().catch((err: unknown) => {
        logger.warn('request failed', { path, error: err instanceof Error ? err.message : String(err) })
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'the tracker failed to answer: try again')
        else res.destroy()
      })
    },
  )
  server.maxConnections = options.maxConnections ?? 1024

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const code = err.code ?? ''
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
    if (code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    if (code === 'HPE_HEADER_OVERFLOW') {
      metrics.clientError('header_overflow')
      socket.end(
        rawError(431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', `request headers must fit in ${MAX_HEADER_SIZE} bytes`),
      )
    } else if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      metrics.clientError('timeout')
      socket.end(rawError(408, 'Request Timeout', 'REQUEST_TIMEOUT', `send the whole request within ${requestTimeoutMs} ms`))
    } else {
      metrics.clientError('bad_request')
      socket.end(rawError(400, 'Bad Request', 'BAD_REQUEST', 'the request is not valid HTTP/1.1'))
    }
    // a client that never reads must not keep the socket
    socket.setTimeout(5_000, () => socket.destroy())
  })

  // an Expect header other than 100-continue: Node would answer 417 with an empty body itself
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => {})
    res.on('finish', () => metrics.request('unmatched', res.statusCode))
    res.setHeader('connection', 'close')
    sendError(res, 417, 'EXPECTATION_FAILED', 'the tracker meets no Expect header but "100-continue": leave it out')
  })

  // Node hands a CONNECT request to 'connect' listeners and, when there are none, drops the
  // socket without a word: answer it like any other method the tracker does not serve
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    metrics.request('unmatched', 405)
    socket.on('error', () => {})
    socket.end(rawError(405, 'Method Not Allowed', 'METHOD_NOT_ALLOWED', `the tracker answers ${ALLOW} only`))
    socket.setTimeout(5_000, () => socket.destroy())
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      watcher.close()
      reject(err)
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  server.on('error', (err) => logger.warn('tracker server error', { error: err.message }))

  const address = server.address() as AddressInfo
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address
  let stopping: Promise<void> | undefined

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    config: () => served.config,
    reload: () => watcher.reload(),
    registry: metrics.registry,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        watcher.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopping
    },
  }
}
