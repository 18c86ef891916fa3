import {
  cidOfDagCbor,
  committeeShard,
  decodeSignedMeasurement,
  isVersion2,
  isVersionAtLeast,
  maxMeasurementBytes,
  retrievalResultOf,
  roundStartTime,
  type SignedMeasurement,
  verifyMeasurementSignature,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { checkParticipantAdmission } from './admission.js'
import { checkNetworkAndVersion, type GossipValidationContext, isAssignedTo, isTaskInRound, type RoundInfo } from './context.js'
import { ignore, reject } from './errors.js'
import { measurementTopic } from './topics.js'

export interface ValidatedMeasurement {
  measurement: SignedMeasurement
  /** CIDv1 dag-cbor sha2-256 of the message bytes: the gossip message id. */
  cid: CID
  /** The bytes the validator decoded, canonical: stored as they came, never encoded again. */
  bytes: Uint8Array
}

/**
 * Validates a measurement received on `topic`; returns it with its CID, or throws a
 * GossipValidationError whose action says Ignore or Reject. Cheap checks first, the signature
 * (≈ 0.1 ms) last, so that junk costs little (DESIGN §3, Topics).
 */
export function validateMeasurementMessage(bytes: Uint8Array, topic: string, ctx: GossipValidationContext): ValidatedMeasurement {
  const { params } = ctx
  // Rule: size cap before any decoding (spec §5.2, decoding step 1), the network's version's (spec §13.3)
  const maxBytes = maxMeasurementBytes(params.protocolVersion)
  if (bytes.length > maxBytes) {
    reject('MEASUREMENT_TOO_LARGE', `a measurement is at most ${maxBytes} bytes`, { size: bytes.length })
  }
  // Rule: canonical DAG-CBOR of the exact field set (spec §5.1, §5.2)
  let m: SignedMeasurement
  try {
    m = decodeSignedMeasurement(bytes)
  } catch (err) {
    reject('MEASUREMENT_MALFORMED', (err as Error).message)
  }
  // Rule: network and version of this topic (spec §7 step 0: WRONG_NETWORK, WRONG_PROTOCOL_VERSION)
  checkNetworkAndVersion(params, m)
  // Rule: round window: the current round, or the previous one until its grace period ends
  const info = roundWindow(ctx, m.round)
  // Rule: the task is one of the round's tasks (spec §7 step 1: TASK_NOT_IN_ROUND)
  if (!isTaskInRound(info, m.task)) reject('TASK_NOT_IN_ROUND', 'the task is not one of the round tasks', { round: m.round })
  // Rule: published on its committee's shard topic (DESIGN §3, Topics: shard = taskKey mod C)
  const shard = committeeShard(m.task, info.seeds.nodeSelection, params.committeeShards)
  if (topic !== measurementTopic(params, shard)) reject('WRONG_TOPIC', `the task's committee meets on shard ${shard}`, { shard })
  // Rule: the task is among the station's K nearest (spec §4, §7 step 1: TASK_WRONG_NODE); in
  // version 2 among its participant's, whatever key signs (spec §13.5)
  const assignee = isVersion2(m) ? m.participant : m.stationId
  if (!isAssignedTo(info, params, assignee, m.task)) {
    reject('TASK_WRONG_NODE', `the task was not assigned to this ${isVersion2(m) ? 'participant' : 'station'}`)
  }
  // Rule: checker at or above params.minCheckerVersion (spec §7 step 1: OUTDATED_CLIENT)
  if (!isVersionAtLeast(m.checkerVersion, params.minCheckerVersion)) {
    reject('OUTDATED_CLIENT', `checkers below ${params.minCheckerVersion} are not accepted`)
  }
  // Rule: retrievalResult is the one derived from the fields (spec §6.3, §7 step 0: RESULT_MISMATCH)
  if (m.retrievalResult !== retrievalResultOf(m)) reject('RESULT_MISMATCH', 'retrievalResult does not follow from the fields')
  // Rule: signed by the station's key (spec §5.2, §7 step 1: INVALID_SIGNATURE)
  if (!verifyMeasurementSignature(m)) reject('INVALID_SIGNATURE', "the signature is not the station's")
  // the bytes are canonical (checked by decoding), so their CID is the measurement's CID
  return { measurement: m, cid: cidOfDagCbor(bytes), bytes }
}

/**
 * `validateMeasurementMessage`, then on a version-2 network the rules that need the chain:
 * NOT_ELIGIBLE and BINDING_INVALID (spec §13.5). `from` is the relaying peer, whose lookup
 * budget pays for the chain reads of participants not known here.
 */
export async function validateMeasurementGossip(
  bytes: Uint8Array,
  topic: string,
  ctx: GossipValidationContext,
  from?: string,
): Promise<ValidatedMeasurement> {
  const validated = validateMeasurementMessage(bytes, topic, ctx)
  const m = validated.measurement
  if (!isVersion2(m)) return validated
  const admission = ctx.admission
  // a version-2 network's validators are built with it (kinds.ts): its absence is our bug
  if (!admission) throw new Error('a version-2 measurement needs the node admission to be validated')
  await checkParticipantAdmission(admission, ctx.params.network, m, from)
  return validated
}

/**
 * Measurements are taken during their round and accepted until the end of the grace period
 * after it. Slightly early or late ones are Ignored: the sender may have another clock or a late
 * view, which is no proof of malice. One from two or more rounds ago is Rejected: its window
 * closed at least a round minus the grace period ago, longer than any message lives in gossip
 * (mcache: seconds), so whoever sends it now is replaying it.
 */
function roundWindow(ctx: GossipValidationContext, round: number): RoundInfo {
  const current = ctx.currentRound
  if (round > current) ignore('ROUND_NOT_STARTED', 'the round has not started here yet', { round, current })
  if (round < current - 1) reject('ROUND_TOO_OLD', 'a measurement of a round that ended long ago is a replay', { round, current })
  const closesAt = roundStartTime(ctx.params, round + 1) + ctx.params.gracePeriodMs
  if (ctx.now() > closesAt) ignore('ROUND_CLOSED', 'the round and its grace period are over', { round, current })
  const info = ctx.roundInfo(round)
  if (!info) ignore('ROUND_UNKNOWN', 'the round is not known here', { round })
  return info
}
