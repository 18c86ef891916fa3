/**
 * Spark Swarm's protocol: pure functions from inputs to outputs. No sockets, files or timers;
 * the node, the simulator and the offline evaluator all call this same code.
 *
 * Every public name is listed here, grouped by what it is about; a module's other exports are
 * the package's own. Spark v1's evaluator lives in `@spark-swarm/protocol/spark-compat`.
 */
// biome-ignore-all assist/source/organizeImports: grouped by topic for readers, not sorted by module path

// Params and presets: the rules of a network, one typed object (spec §1)
export type { PresetName, ProtocolParams, RandomnessParams } from './params.js'
export { devnet, getPreset, mainnet, paramsDigest, presets, roundAt, roundStartTime, sparkCompat, validateParams } from './params.js'
// Announced changes of the params: what is in force in a round, and which changes a tracker refuses (spec §1.3)
export type { ParamsSchedule, UpcomingParams } from './params-change.js'
export {
  changedIdentityKeys,
  IDENTITY_KEYS,
  PARAMS_NOTICE_ROUNDS,
  paramsForRound,
  scheduleAt,
  scheduleChangeProblem,
  upcomingParams,
} from './params-change.js'

// Version 2's admission by deposit: participants, station bindings, the eligibility height (spec §13)
export type { AdmissionParams, StationBinding } from './admission/index.js'
export {
  ADMISSION_KEYS,
  bindingText,
  checkAdmission,
  delegatedFromEthAddress,
  eligibilityHeight,
  eligibleFromTime,
  FILECOIN_ADMISSION,
  meetsDeposit,
  PARTICIPANT_PATTERN,
  participantFromAddress,
  participantOfPrivateKey,
  participantOfPublicKey,
  personalMessageDigest,
  recoverPersonalSigner,
  signBinding,
  verifyBinding,
} from './admission/index.js'

// Versions: the protocol version and this checker's version, and how versions compare
export type { Version } from './version.js'
export { CHECKER_VERSION, compareVersions, isVersionAtLeast, PROTOCOL_VERSION, parseVersion } from './version.js'

// Errors: the one error type and its stable codes
export type { ProtocolErrorCode } from './errors.js'
export { PROTOCOL_ERROR_CODES, ProtocolError } from './errors.js'

// Bytes, hashing and domain separation (spec §2.5)
export { bytesEqual, compareBytes, compareStrings, fromHex, sha256, toHex } from './bytes.js'
export type { Domain } from './domain.js'
export { DOMAIN, domainHash } from './domain.js'

// CIDs: the one link form of the protocol's blocks, and its text
export { cidFromText, cidOfDagCbor, cidOfDagCborDigest, cidText, dagCborCidText, isDagCborSha256Cid } from './cid.js'

// Station keys and ids
export type { StationKey } from './station-id.js'
export { publicKeyFromStationId, publicKeyObject, STATION_ID_PATTERN, stationIdFromPublicKey, stationKeyFromSeed } from './station-id.js'

// Inet groups: Spark's address → group mapping, and the group a checker adopts from what its peers observe (spec §5.5)
export type { InetGroupObservation } from './inet-group.js'
export { agreedInetGroup, INET_GROUP_MIN_OBSERVER_GROUPS, inetGroupOfIp, IPV6_INET_GROUP, UNKNOWN_INET_GROUP } from './inet-group.js'

// Randomness: drand and local beacons, the seeds of a round, the stream drawn from a seed
export { FILECOIN_EPOCH_MS, FILECOIN_GENESIS_MS, QUICKNET, QUICKNET_DST } from './randomness/drand-chains.js'
export type { DrandBeacon, DrandChainInfo } from './randomness/drand.js'
export {
  beaconRandomness,
  drandMessage,
  drandRoundAt,
  drandRoundTime,
  sparkEpochToDrandRound,
  verifyDrandBeacon,
} from './randomness/drand.js'
export { localBeaconRandomness } from './randomness/local.js'
export type { RoundSeeds } from './randomness/seeds.js'
export { deriveRoundSeeds } from './randomness/seeds.js'
export { SeededStream } from './prng.js'

// Catalogue and tasks: what a round checks and which station checks what
export type { Catalogue, CatalogueEntry, RetrievalTask } from './catalogue.js'
export {
  catalogueCid,
  createTaskIndex,
  decodeCatalogue,
  encodeCatalogue,
  parseTaskId,
  sampleRoundTasks,
  taskId,
  validateCatalogue,
} from './catalogue.js'
export { committeeShard, getStationKey, getTaskKey, pickTasksForStation, TaskSelector } from './tasker.js'
export { committeeShardsFor, TARGET_COMMITTEE_SIZE, TASKS_PER_SHARD, tasksPerRoundFor } from './sizing.js'

// Measurements: their fields, signatures, canonical bytes and JSON form
export type { Measurement, ParticipantBinding, SignedMeasurement } from './measurement.js'
export {
  decodeSignedMeasurement,
  encodeMeasurement,
  encodeSignedMeasurement,
  isVersion2,
  MAX_MEASUREMENT_BYTES,
  MAX_MEASUREMENT_BYTES_V2,
  maxMeasurementBytes,
  measurementCid,
  measurementSigningDigest,
  signedView,
  signMeasurement,
  unsignedView,
  validateMeasurementShape,
  verifyMeasurementSignature,
} from './measurement.js'
export type { SignedMeasurementJson } from './measurement-json.js'
export { internMeasurement, measurementFromJson, measurementToJson } from './measurement-json.js'
export { measurementRecordFromJson } from './measurement-line.js'
export { createInterner } from './intern.js'

// Result codes: Spark's result-code table and the mapping from status fields to a result
export type { NumberedResultCode, ResultCode, ResultCodeInfo, RetrievalOutcome, RetrievalResult } from './result-codes.js'
export {
  COMMITTEE_TOO_SMALL,
  countsTowardRsr,
  describeResult,
  MAJORITY_NOT_FOUND,
  RESULT_CODES,
  retrievalResultOf,
  STATUS,
} from './result-codes.js'

// Attestations: a station's signed word on a committee's result
export type { Attestation, UnsignedAttestation } from './attestation.js'
export {
  attestationCid,
  attestationSigningDigest,
  decodeAttestation,
  encodeAttestation,
  encodeUnsignedAttestation,
  isVersion2Attestation,
  MAX_ATTESTATION_BYTES,
  signAttestation,
  validateAttestationShape,
  verifyAttestationSignature,
} from './attestation.js'

// Evaluation: committees, a round's verdicts, and the providers' scores
export type { CommitteeDecision, CommitteeFields, ConsensusEvaluation } from './evaluation/committee.js'
export { evaluateCommittee } from './evaluation/committee.js'
export { evaluateRound, evaluateRoundInSteps } from './evaluation/evaluate.js'
export type {
  AdmissionSnapshot,
  CommitteeResult,
  DropReason,
  EvaluatedMeasurement,
  EvaluateOptions,
  MeasurementRecord,
  RoundContext,
  RoundEvaluation,
  TaskingEvaluation,
} from './evaluation/round-types.js'
export { measurementRecord } from './evaluation/round-types.js'
export type { ProviderScores, Rate, ScoredCommittee } from './evaluation/scoring.js'
export { scoreProviders } from './evaluation/scoring.js'
export type { Interval } from './evaluation/wilson.js'
export { wilsonInterval } from './evaluation/wilson.js'

// Summaries: a round's result as DAG-CBOR blocks, built and read back
export type { Block, BuiltSummary, CommitteeBlock, RoundSummary, SummaryAdmission, SummaryProvider, SummaryRate } from './summary.js'
export { buildCommitteeBlock, buildRoundSummary, buildRoundSummaryInSteps, SUMMARY_VERSION, SUMMARY_VERSION_ADMISSION } from './summary.js'
export { decodeCommitteeBlock, decodeMeasurementList, decodeParticipantList, decodeRoundSummary } from './summary-decode.js'

// Confirmation: which attesters of a committee block count, and when they confirm it (spec §12.6)
export type { CommitteeMembership, ListedMeasurement } from './confirmation.js'
export { committeeBlockMembership, committeeMemberships, committeeMembershipsInSteps, countConfirmation } from './confirmation.js'
export type { Steps } from './steps.js'
export { runSteps, STEP_ITEMS } from './steps.js'

// Offline verification of an anchored round from its blocks
export type { RoundVerification } from './verify-round.js'
export { verifyRoundBlocks } from './verify-round.js'

// The tracker's wire contract: paths, headers, the outdated answer and the bodies' checks
export type { GateOkBody, NetworkInfo, TrackerErrorBody, WireCheck } from './tracker-wire.js'
export {
  checkGateOk,
  checkNetworkInfo,
  checkUpcoming,
  gateOkBody,
  isOutdatedAnswer,
  MAX_BOOTSTRAP_MULTIADDR_LENGTH,
  networkInfoBody,
  OUTDATED_CLIENT_BODY,
  OUTDATED_CLIENT_STATUS,
  parseTrackerErrorBody,
  TRACKER_CATALOGUE_PATH,
  TRACKER_GATE_PATH,
  TRACKER_MIN_VERSION_HEADER,
  TRACKER_NETWORK_PATH,
  TRACKER_VERSION_HEADER,
  TRACKER_VERSION_QUERY,
} from './tracker-wire.js'
