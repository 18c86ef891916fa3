import { createServer, type Server } from 'node:http'
import { closeHttp, httpUrl, listenHttp } from '@spark-swarm/http'
import { roundAt, scheduleChangeProblem } from '@spark-swarm/protocol'
import type { Registry } from 'prom-client'
import { parseTrackerConfig, readConfigText, type TrackerConfig, TrackerConfigError } from './config.js'
import { type ConfigWatcher, watchConfig } from './config-watcher.js'
import { silentLogger, type TrackerLogger } from './logger.js'
import { answerMalformed } from './malformed.js'
import { createTrackerMetrics, type TrackerMetrics } from './metrics.js'
import { createRequestHandler } from './request.js'
import { createRoutes } from './routes.js'
import { type Served, serve } from './served.js'

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
  /** Unix ms now; default Date.now. What is served depends on the round (announced changes, spec §1.3). */
  clock?: () => number
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

/** The served config and the watcher that replaces it when the file changes. */
async function followConfig(options: StartTrackerOptions, logger: TrackerLogger, metrics: TrackerMetrics, clock: () => number) {
  const { configPath } = options
  const initialText = await readConfigText(configPath)
  let served = serve(parseTrackerConfig(initialText, configPath))
  metrics.minVersion(served.config.minCheckerVersion)
  const watcher: ConfigWatcher = watchConfig({
    path: configPath,
    initial: served.config,
    initialText,
    logger,
    intervalMs: options.reloadIntervalMs ?? 1000,
    // the params are the consensus every node holds: they change only with notice, never under running nodes
    check: (previous, next) => {
      const round = roundAt(previous.params, clock())
      const problem = scheduleChangeProblem(previous, next, round)
      if (problem !== undefined) {
        throw new TrackerConfigError('CONFIG_PARAMS_CHANGED', configPath, 'params', `tracker config ${configPath}: refused: ${problem}`)
      }
    },
    onReload: (config) => {
      served = serve(config)
      metrics.reload('success')
      metrics.minVersion(config.minCheckerVersion)
    },
    onFailure: () => metrics.reload('failure'),
  })
  return { served: (): Served => served, watcher }
}

/** The HTTP server with the tracker's limits; a client is held to them before any route runs. */
function createTrackerServer(requestTimeoutMs: number, maxConnections: number, listener: ReturnType<typeof createRequestHandler>): Server {
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
    listener,
  )
  server.maxConnections = maxConnections
  return server
}

/**
 * Starts the tracker: reads the config (throwing TrackerConfigError naming the file and key when
 * it is bad), listens, and follows the file so a new minimum version applies without a restart.
 */
export async function startTracker(options: StartTrackerOptions): Promise<Tracker> {
  const { host = '127.0.0.1', port = 0, logger = silentLogger } = options
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const metrics = createTrackerMetrics()
  const clock = options.clock ?? Date.now
  const { served, watcher } = await followConfig(options, logger, metrics, clock)

  const routes = createRoutes({ served, now: clock, metrics })
  const server = createTrackerServer(requestTimeoutMs, options.maxConnections ?? 1024, createRequestHandler({ routes, metrics, logger }))
  answerMalformed(server, { metrics, maxHeaderSize: MAX_HEADER_SIZE, requestTimeoutMs })

  let address: Awaited<ReturnType<typeof listenHttp>>
  try {
    address = await listenHttp(server, port, host)
  } catch (err) {
    watcher.close()
    throw err
  }
  server.on('error', (err) => logger.warn('tracker server error', { error: err.message }))

  let stopping: Promise<void> | undefined
  return {
    url: httpUrl(address.address, address.port),
    port: address.port,
    config: () => served().config,
    reload: () => watcher.reload(),
    registry: metrics.registry,
    stop: () => {
      if (stopping === undefined) {
        watcher.close()
        stopping = closeHttp(server)
      }
      return stopping
    },
  }
}
