/**
 * The Spark Swarm tracker: a small HTTP service that tells nodes the network's params and
 * bootstrap peers, and turns away checkers below the minimum version with `400 OUTDATED CLIENT`.
 * The wire contract it serves (paths, headers, bodies) is `@spark-swarm/protocol`'s tracker-wire.
 */
export {
  OUTDATED_CLIENT_BODY,
  TRACKER_MIN_VERSION_HEADER as MIN_VERSION_HEADER,
  TRACKER_VERSION_HEADER as VERSION_HEADER,
} from '@spark-swarm/protocol'
export {
  loadTrackerConfig,
  MAX_CONFIG_BYTES,
  parseTrackerConfig,
  readConfigText,
  type TrackerConfig,
  TrackerConfigError,
  type TrackerConfigErrorCode,
  type TrackerConfigFile,
} from './config.js'
export { VERSION_INVALID_MESSAGE } from './gate.js'
export { silentLogger, type TrackerLogger } from './logger.js'
export { type ClientErrorKind, createTrackerMetrics, type GateOutcome, type RouteLabel, type TrackerMetrics } from './metrics.js'
export { type StartTrackerOptions, startTracker, type Tracker } from './server.js'
