/**
 * Spark Swarm's protocol: pure functions from inputs to outputs. No sockets, files or timers;
 * the node, the simulator and the offline evaluator all call this same code.
 */
export * from './bytes.js'
export * from './catalogue.js'
export * from './domain.js'
export * from './errors.js'
export * from './evaluation/committee.js'
export * from './evaluation/evaluate.js'
export * from './evaluation/scoring.js'
export * from './evaluation/wilson.js'
export * from './measurement.js'
export * from './params.js'
export * from './prng.js'
export * from './randomness/drand.js'
export * from './randomness/drand-chains.js'
export * from './randomness/local.js'
export * from './randomness/seeds.js'
export * from './result-codes.js'
export * from './station-id.js'
export * from './summary.js'
export * from './tasker.js'
export * from './version.js'
