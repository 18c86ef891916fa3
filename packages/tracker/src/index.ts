/**
 * The Spark Swarm tracker: a small HTTP service that tells nodes the network's params and
 * bootstrap peers, and turns away checkers below the minimum version with `400 OUTDATED CLIENT`.
 */
export * from './config.js'
export * from './logger.js'
export * from './metrics.js'
export * from './server.js'
