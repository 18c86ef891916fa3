import type { RetrievalTask } from '../catalogue.js'
import { cidText } from '../cid.js'
import { measurementCid, type SignedMeasurement } from '../measurement.js'
import type { ProtocolParams } from '../params.js'
import type { RoundSeeds } from '../randomness/seeds.js'
import type { CommitteeDecision, ConsensusEvaluation } from './committee.js'
import type { ProviderScores } from './scoring.js'

/**
 * Tasking labels: Spark's four plus ours. Only `OK` measurements join a committee. Version 2
 * (spec §13.5) adds BINDING_INVALID and NOT_ELIGIBLE, and never gives DUP_INET_GROUP or TOO_MANY_TASKS.
 */
export type TaskingEvaluation =
  | 'OK'
  | 'INVALID_SIGNATURE'
  | 'OUTDATED_CLIENT'
  | 'BINDING_INVALID'
  | 'NOT_ELIGIBLE'
  | 'TASK_NOT_IN_ROUND'
  | 'TASK_WRONG_NODE'
  | 'DUPLICATE'
  | 'DUP_INET_GROUP'
  | 'TOO_MANY_TASKS'

/** Why a measurement was dropped before tasking: it is not a measurement of this round at all. */
export type DropReason = 'WRONG_NETWORK' | 'WRONG_ROUND' | 'WRONG_PROTOCOL_VERSION' | 'RESULT_MISMATCH' | 'INVALID_TIMINGS'

/** Everything evaluation needs to know about the round, all derivable from params + beacon + catalogue. */
export interface RoundContext {
  params: ProtocolParams
  round: number
  seeds: RoundSeeds
  /** The round's tasks, `sampleRoundTasks(catalogue, seeds, params.tasksPerRound)`. */
  tasks: readonly RetrievalTask[]
  /** Version 2 only, and required there: who may check this round (spec §13.4). */
  admission?: AdmissionSnapshot
}

/**
 * Who is eligible in a version-2 round (spec §13.4), as the node read it from the chain: the
 * height, `eligibilityHeight(params.admission, roundStartTime(params, round))`, and the eligible
 * participants (`0x…`, lowercase) among those the round's measurements name. Null height: the
 * chain is too young, and nobody is eligible.
 */
export interface AdmissionSnapshot {
  height: number | null
  eligible: ReadonlySet<string>
}

/**
 * A measurement with its CID in text form (base32 CIDv1), as a node stores and gossips it. Text,
 * not a `CID` object: a round holds 250k of them and the text is an eighth of the memory.
 */
export interface MeasurementRecord {
  cid: string
  measurement: SignedMeasurement
  /**
   * The record's place in the evaluation order, given explicitly: an integer in [0, 2^50), unique
   * per record. Read only with `signatures: 'trusted'`; without it (and always with 'verify') the
   * evaluator takes 50 bits of the CID's digest from its text. The order sorts entries, settles
   * conflicts (XOR the round's inet-group seed) and orders each committee's members, so a caller
   * that sets it must give keys as random as digests. Nodes never set it (their CIDs are real);
   * the simulator does, because its CIDs are labels, not hashes of the measurement.
   */
  sortKey?: number
  /**
   * Whether the measurement's signature is its station's, as the caller found (on other threads,
   * say). Read only with `signatures: 'checked'`, where anything but `true` is INVALID_SIGNATURE.
   */
  signatureValid?: boolean
}

/** The record of a measurement whose CID is not known yet (encodes and hashes it). */
export function measurementRecord(measurement: SignedMeasurement): MeasurementRecord {
  return { cid: cidText(measurementCid(measurement)), measurement }
}

export interface EvaluateOptions {
  /**
   * 'verify' checks every signature and recomputes every CID (offline evaluation of a file);
   * 'trusted' takes both as given because the caller already checked them (the node's gossip
   * validator did, on receipt); 'checked' takes each record's CID as given and its verdict from
   * `signatureValid` (the caller verified them itself, spread over threads). Default 'verify'.
   */
  signatures?: 'verify' | 'trusted' | 'checked'
  /**
   * Version 2: bindings already verified, by binding fields and signature; read and filled. A
   * caller that evaluates round after round (a node, the simulator) passes the same map, since a
   * binding lives for many rounds. Default: a new map per evaluation.
   */
  bindingCache?: Map<string, boolean>
}

export interface EvaluatedMeasurement {
  cid: string
  stationId: string
  /** Version 2 only: the participant the measurement checks for, whose tasks and duplicates it counts toward. */
  participant?: string
  task: RetrievalTask
  retrievalResult: string
  taskingEvaluation: TaskingEvaluation
  consensusEvaluation: ConsensusEvaluation | null
}

export interface CommitteeResult extends CommitteeDecision {
  task: RetrievalTask
  size: number
  /** Members per retrieval result. */
  counts: Record<string, number>
  /** Members' measurement CIDs, in entry order. */
  measurements: string[]
}

export interface RoundEvaluation {
  network: string
  round: number
  /**
   * Every measurement not dropped, one per distinct record, in entry order: ascending sort key
   * (`MeasurementRecord.sortKey`, else the CID's digest bits), ties by CID.
   */
  measurements: EvaluatedMeasurement[]
  dropped: Array<{ cid: string; reason: DropReason }>
  /** Sorted by task (cid, then minerId). */
  committees: CommitteeResult[]
  providers: Record<string, ProviderScores>
}
