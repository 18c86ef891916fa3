import type { IncomingMessage, ServerResponse } from 'node:http'
import { TRACKER_CATALOGUE_PATH, TRACKER_GATE_PATH, TRACKER_NETWORK_PATH } from '@spark-swarm/protocol'
import { answerCatalogue } from './catalogue-route.js'
import { answerGate } from './gate.js'
import type { RouteLabel, TrackerMetrics } from './metrics.js'
import { JSON_TYPE, send, sendError, TEXT_TYPE } from './respond.js'
import type { Served } from './served.js'

/** The methods every route answers. */
export const ALLOW = 'GET, HEAD'
export const ROUTES = new Set<RouteLabel>([TRACKER_NETWORK_PATH, TRACKER_GATE_PATH, TRACKER_CATALOGUE_PATH, '/healthz', '/metrics'])

export interface RouteComponents {
  served(): Served
  /** Unix ms: what is served depends on the round (an announced change takes effect at its round). */
  now(): number
  metrics: TrackerMetrics
}

export type Routes = (req: IncomingMessage, res: ServerResponse, url: URL, route: RouteLabel) => Promise<void>

/** The answer of each route, once the request passed the checks in request.ts; 404 for `unmatched`. */
export function createRoutes({ served, now, metrics }: RouteComponents): Routes {
  return async (req, res, url, route) => {
    switch (route) {
      case TRACKER_NETWORK_PATH:
        send(res, 200, JSON_TYPE, served().at(now()).networkBody)
        return
      case TRACKER_GATE_PATH:
        answerGate(req, res, url, served().at(now()).gateMinimum, metrics)
        return
      case TRACKER_CATALOGUE_PATH: {
        const current = served()
        answerCatalogue(req, res, url, current.config, current.at(now()).schedule.params.catalogueCid)
        return
      }
      case '/healthz':
        send(res, 200, TEXT_TYPE, 'ok')
        return
      case '/metrics': {
        // an announced change may have raised the gate's minimum since the last reload
        metrics.minVersion(served().at(now()).gateMinimum)
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
