import type { IncomingMessage, ServerResponse } from 'node:http'
import { networkInfoBody, TRACKER_GATE_PATH, TRACKER_NETWORK_PATH } from '@spark-swarm/protocol'
import type { TrackerConfig } from './config.js'
import { answerGate } from './gate.js'
import type { RouteLabel, TrackerMetrics } from './metrics.js'
import { JSON_TYPE, send, sendError, TEXT_TYPE } from './respond.js'

/** The methods every route answers. */
export const ALLOW = 'GET, HEAD'
export const ROUTES = new Set<RouteLabel>([TRACKER_NETWORK_PATH, TRACKER_GATE_PATH, '/healthz', '/metrics'])

/** The config being served, with its /v1/network body serialised once per config. */
export interface Served {
  config: TrackerConfig
  networkBody: string
}

export function serve(config: TrackerConfig): Served {
  return {
    config,
    networkBody: JSON.stringify(networkInfoBody(config.params, config.paramsDigest, config.bootstrap, config.minCheckerVersion)),
  }
}

export interface RouteComponents {
  served(): Served
  metrics: TrackerMetrics
}

export type Routes = (req: IncomingMessage, res: ServerResponse, url: URL, route: RouteLabel) => Promise<void>

/** The answer of each route, once the request passed the checks in request.ts; 404 for `unmatched`. */
export function createRoutes({ served, metrics }: RouteComponents): Routes {
  return async (req, res, url, route) => {
    switch (route) {
      case TRACKER_NETWORK_PATH:
        send(res, 200, JSON_TYPE, served().networkBody)
        return
      case TRACKER_GATE_PATH:
        answerGate(req, res, url, served().config.minCheckerVersion, metrics)
        return
      case '/healthz':
        send(res, 200, TEXT_TYPE, 'ok')
        return
      case '/metrics': {
        const text = await metrics.registry.metrics()
        send(res, 200, metrics.registry.contentType, text)
        return
      }
      default:
        sendError(
          res,
          404,
          'NOT_FOUND',
          `no route ${url.pathname.slice(0, 100)}: try GET ${TRACKER_NETWORK_PATH} or GET ${TRACKER_GATE_PATH}`,
        )
    }
  }
}
