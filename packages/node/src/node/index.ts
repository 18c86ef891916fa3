export type { Clock } from './clock.js'
export { systemClock } from './clock.js'
export type {
  ActivityDetail,
  CheckerNodeEvents,
  CommitteeConfirmedDetail,
  InetGroupAdoptedDetail,
  MeasurementPublishedDetail,
  MeasurementWithheldDetail,
  OutdatedDetail,
  RoundEvaluatedDetail,
  SummaryAnchoredDetail,
} from './events.js'
export { TypedEventTarget } from './events.js'
export type { ClockReading, ClockSource } from './health/clock-check.js'
export {
  LOCAL_FAULT_ADVICE,
  LOCAL_FAULT_CODES,
  type LocalFault,
  type LocalFaultCode,
  type LocalFaultDetail,
} from './health/local-faults.js'
export type { InetGroupSource } from './inet-group-in-force.js'
export { ListenError, type ListenErrorCode, libp2pListenError } from './listen-error.js'
export type { Logger } from './logger.js'
export { silentLogger } from './logger.js'
export { CHECKER_VERSION, type CheckerNode, type CheckerNodeInit, createCheckerNode, type VersionGate } from './node.js'
export type { NetworkSource, ParamsChangedDetail, ParamsStatus } from './params-watch.js'
export { AMINO_PROTOCOL, type AminoInit } from './peers/host.js'
export { isLibp2pClosingStreamError } from './peers/libp2p-races.js'
export { type NatInit, RELAY_LIMITS } from './peers/nat.js'
export { type ListenReach, listenReach, NAT_AUTO, NAT_SWITCHES, type NatSettings, type NatSwitch, resolveNat } from './peers/nat-auto.js'
export { createRandomnessSource, type RandomnessSource } from './round/randomness.js'
export type { CheckerNodeStatus, RoundStatus } from './status/status.js'
