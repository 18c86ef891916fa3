import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  compareVersions,
  gateOkBody,
  OUTDATED_CLIENT_BODY,
  OUTDATED_CLIENT_STATUS,
  parseVersion,
  TRACKER_MIN_VERSION_HEADER,
  TRACKER_VERSION_HEADER,
  TRACKER_VERSION_QUERY,
} from '@spark-swarm/protocol'
import type { TrackerMetrics } from './metrics.js'
import { send, sendError, sendJson, TEXT_TYPE } from './respond.js'

export const VERSION_INVALID_MESSAGE = `send your version in the ${TRACKER_VERSION_HEADER} header, e.g. 1.4.0`

/** The version a checker sent: the header wins over `?version=`; null when there is none. */
function sentVersion(req: IncomingMessage, url: URL): string | null {
  const header = req.headers[TRACKER_VERSION_HEADER]
  return typeof header === 'string' ? header : url.searchParams.get(TRACKER_VERSION_QUERY)
}

function isVersion(version: string | null): version is string {
  if (version === null || version === '') return false
  try {
    parseVersion(version)
    return true
  } catch {
    return false
  }
}

/**
 * `GET /v1/gate`: 200 `{ok, minCheckerVersion}` at or above the minimum, `400 OUTDATED CLIENT`
 * below it (the exact text Spark's orchestrator sends), 400 VERSION_INVALID with no usable version.
 * A repeated header arrives joined by commas and is not a version: VERSION_INVALID too.
 */
export function answerGate(req: IncomingMessage, res: ServerResponse, url: URL, min: string, metrics: TrackerMetrics): void {
  const version = sentVersion(req, url)
  if (!isVersion(version)) {
    metrics.gate('invalid')
    sendError(res, 400, 'VERSION_INVALID', VERSION_INVALID_MESSAGE)
    return
  }
  if (compareVersions(version, min) >= 0) {
    metrics.gate('ok')
    sendJson(res, 200, gateOkBody(min), { [TRACKER_MIN_VERSION_HEADER]: min })
  } else {
    metrics.gate('outdated')
    send(res, OUTDATED_CLIENT_STATUS, TEXT_TYPE, OUTDATED_CLIENT_BODY, { [TRACKER_MIN_VERSION_HEADER]: min })
  }
}
