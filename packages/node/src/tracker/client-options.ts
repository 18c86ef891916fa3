import { parseVersion } from '@spark-swarm/protocol'
import { TrackerError } from './errors.js'

/** The tracker's base URL, ending in `/` (a path prefix is kept), without query or fragment. */
export function trackerBaseUrl(url: string): URL {
  let base: URL
  try {
    base = new URL(url)
  } catch (err) {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `tracker URL ${JSON.stringify(url)} is not a URL`, { cause: err })
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `tracker URL ${url} must be http: or https:`)
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  base.search = ''
  base.hash = ''
  return base
}

/** TrackerError TRACKER_OPTIONS_INVALID unless the version and the timeout are usable. */
export function checkClientOptions(checkerVersion: string, timeoutMs: number): void {
  try {
    parseVersion(checkerVersion)
  } catch (err) {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `checker version ${JSON.stringify(checkerVersion)} is not a version like 1.2.3`, {
      cause: err,
    })
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`)
  }
}
