/**
 * Gossip: topics, message validation (measurements, attestations) and the gossipsub service.
 * Every name is listed: what is not here (the node's installGossip, the per-kind dispatch, the
 * gossipsub internals adapter's casts) is the node's own business.
 */
export { type BoundMessage, checkParticipantAdmission, type GossipAdmission } from './admission.js'

// validation
export { checkNetworkAndVersion, type GossipValidationContext, isAssignedTo, isTaskInRound, type RoundInfo } from './context.js'
export {
  type GossipAction,
  type GossipErrorCode,
  GossipValidationError,
  INTERNAL_ERROR,
  ignore,
  reject,
  toValidatorResult,
} from './errors.js'
// gossipsub: the service, its scoring, and validators installed on it
export {
  createGossipsubService,
  fastMsgIdFn,
  type GossipsubServiceInit,
  gossipsubOptions,
  msgIdFn,
  SCORE_THRESHOLDS,
  topicScoreParams,
} from './gossipsub.js'
export { isDuplicatePublishError, type ScoredGossipSub } from './gossipsub-internals.js'
export { IGNORE_BUDGET_DEFAULTS, IgnoreBudget, type IgnoreBudgetInit } from './ignore-budget.js'
export { type AcceptedMessage, type GossipHandlers, type GossipValidators, gossipValidators, type ValidatedGossip } from './kinds.js'
export {
  createGossipMetrics,
  type GossipMetrics,
  IGNORE_BUDGET_EXCEEDED,
  type RegisterValidatorsInit,
  registerValidators,
} from './register-validators.js'
// topics and kinds
export {
  attestationTopic,
  attestationTopics,
  GOSSIP_KINDS,
  GossipKind,
  gossipTopics,
  measurementTopic,
  measurementTopics,
  measurementTopicsForTasks,
  type ParsedTopic,
  parseTopic,
} from './topics.js'
export { type ValidatedAttestation, validateAttestationMessage } from './validate-attestation.js'
export { type ValidatedMeasurement, validateMeasurementGossip, validateMeasurementMessage } from './validate-measurement.js'
