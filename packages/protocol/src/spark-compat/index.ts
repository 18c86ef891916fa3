/**
 * Spark v1's evaluator, bit for bit, for published Spark rounds (`@spark-swarm/protocol/spark-compat`).
 * Every public name is listed here.
 */

// The same evaluation on columns of numbers: what a file read in parts by several threads becomes
export type { SparkColumns } from './columns.js'
export { SPARK_FLAG, SparkColumnsBuilder } from './columns.js'
export { concatSparkColumns } from './columns-concat.js'
// Evaluation of one Spark round: fraud detection, committees, per-request provider stats
export type { SparkCommitteeResult, SparkEvaluatedMeasurement, SparkEvaluation, SparkProviderStats } from './evaluate.js'
export { evaluateSparkRound, SPARK_REQUIRED_COMMITTEE_SIZE } from './evaluate.js'
export type { SparkColumnEvaluation, SparkStationTasks } from './evaluate-columns.js'
export { evaluateSparkColumns, SPARK_CONSENSUS, SPARK_TASKING, sparkCanonicalTasks, sparkStationTasks } from './evaluate-columns.js'
export type { SparkTaskingEvaluation } from './fraud-detection.js'

// Spark's published measurements and its preprocessing of them
export type { ParticipantMemo, ParticipantVerdict, RawSparkMeasurement, SparkMeasurement } from './measurement.js'
export { assertValidSparkMeasurement, getSparkRetrievalResult, preprocessSparkMeasurement, SparkMeasurementError } from './measurement.js'

// Participant addresses (0x… and f410 delegated)
export { ethAddressFromDelegated, isEthAddress, parseParticipantAddress, toChecksumAddress } from './participant-address.js'

// Spark rounds and their files
export type { SparkRound } from './round.js'
export { parseSparkRound } from './round.js'
