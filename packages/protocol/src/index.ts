/**
 * Spark Swarm's protocol: pure functions from inputs to outputs. No sockets, files or timers;
 * the node, the simulator and the offline evaluator all call this same code.
 */
export * from './attestation.js'
export * from './bytes.js'
export * from './catalogue.js'
export * from './domain.js'
export * from './errors.js'
export * from './evaluation/committee.js'
export * from './evaluation/evaluate.js'
export * from './evaluation/round-types.js'
export * from './evaluation/scoring.js'
export * from './evaluation/wilson.js'
export * from './group.js'
export * from './intern.js'
export * from './measurement.js'
export * from './measurement-json.js'
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
export {
  checkGateOk,
  checkNetworkInfo,
  type GateOkBody,
  gateOkBody,
  isOutdatedAnswer,
  MAX_BOOTSTRAP_MULTIADDR_LENGTH,
  type NetworkInfo,
  networkInfoBody,
  OUTDATED_CLIENT_BODY,
  OUTDATED_CLIENT_STATUS,
  parseTrackerErrorBody,
  TRACKER_GATE_PATH,
  TRACKER_MIN_VERSION_HEADER,
  TRACKER_NETWORK_PATH,
  TRACKER_VERSION_HEADER,
  TRACKER_VERSION_QUERY,
  type TrackerErrorBody,
  type WireCheck,
} from './tracker-wire.js'
export * from './verify-round.js'
export * from './version.js'
