import type { IncomingMessage, ServerResponse } from 'node:http'
import { TRACKER_NETWORK_PATH } from '@spark-swarm/protocol'
import type { TrackerLogger } from './logger.js'
import type { RouteLabel, TrackerMetrics } from './metrics.js'
import { sendError } from './respond.js'
import { ALLOW, ROUTES, type Routes } from './routes.js'

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

export interface RequestComponents {
  routes: Routes
  metrics: TrackerMetrics
  logger: TrackerLogger
}

/** What one request is known as, for the metric and the log line once it is answered. */
interface Seen {
  route: RouteLabel
  path: string
}

/**
 * Checks a parsed request in order (target, Host, body, route, method) and hands it to its route;
 * each refusal is a JSON error saying what to send instead.
 */
async function answer(req: IncomingMessage, res: ServerResponse, routes: Routes, seen: Seen): Promise<void> {
  const url = parseTarget(req.url ?? '')
  if (url === null) {
    sendError(res, 400, 'BAD_URL', `the request target must be a path like ${TRACKER_NETWORK_PATH}`)
    return
  }
  seen.path = url.pathname.slice(0, 200)
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    res.setHeader('connection', 'close')
    sendError(res, 400, 'HOST_MISSING', 'an HTTP/1.1 request must carry a Host header')
    return
  }
  // no route takes a body: close the connection after answering rather than drain it
  if (hasBody(req)) res.setHeader('connection', 'close')
  if (!ROUTES.has(url.pathname as RouteLabel)) {
    await routes(req, res, url, 'unmatched')
    return
  }
  const route = url.pathname as RouteLabel
  seen.route = route
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'METHOD_NOT_ALLOWED', `${route} answers ${ALLOW} only`, { allow: ALLOW })
    return
  }
  if (hasBody(req)) {
    sendError(res, 413, 'BODY_NOT_ALLOWED', `${route} takes no request body`)
    return
  }
  await routes(req, res, url, route)
}

/** The server's request listener: answers, counts and logs every request, and turns a failure into a 500. */
export function createRequestHandler({ routes, metrics, logger }: RequestComponents) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now()
    const seen: Seen = { route: 'unmatched', path: '' }
    req.on('error', () => {})
    res.on('error', () => {})
    res.on('finish', () => {
      metrics.request(seen.route, res.statusCode)
      logger.info('request', {
        method: req.method,
        path: seen.path,
        route: seen.route,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        remote: req.socket.remoteAddress,
      })
    })
    answer(req, res, routes, seen).catch((err: unknown) => {
      logger.warn('request failed', { path: seen.path, error: err instanceof Error ? err.message : String(err) })
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'the tracker failed to answer: try again')
      else res.destroy()
    })
  }
}
