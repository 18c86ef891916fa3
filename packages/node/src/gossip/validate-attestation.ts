import {
  type Attestation,
  cidOfDagCbor,
  committeeShard,
  decodeAttestation,
  isVersion2Attestation,
  MAX_ATTESTATION_BYTES,
  verifyAttestationSignature,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { checkParticipantAdmission } from './admission.js'
import { checkNetworkAndVersion, type GossipValidationContext, isAssignedTo, isTaskInRound, type RoundInfo } from './context.js'
import { ignore, reject } from './errors.js'
import { attestationTopic, parseTopic } from './topics.js'

export interface ValidatedAttestation {
  attestation: Attestation
  /** CIDv1 dag-cbor sha2-256 of the message bytes: the gossip message id. */
  cid: CID
  /** The bytes the validator decoded, canonical: stored as they came, never encoded again. */
  bytes: Uint8Array
}

/**
 * Validates an attestation received on `topic`; returns it with its CID, or throws a
 * GossipValidationError. Same shape as measurements: cheap checks first, signature last.
 */
export function validateAttestationMessage(bytes: Uint8Array, topic: string, ctx: GossipValidationContext): ValidatedAttestation {
  const { params } = ctx
  // Rule: size cap before any decoding
  if (bytes.length > MAX_ATTESTATION_BYTES) {
    reject('ATTESTATION_TOO_LARGE', `an attestation is at most ${MAX_ATTESTATION_BYTES} bytes`, { size: bytes.length })
  }
  // Rule: canonical DAG-CBOR of the exact field set
  let a: Attestation
  try {
    a = decodeAttestation(bytes)
  } catch (err) {
    reject('ATTESTATION_MALFORMED', (err as Error).message)
  }
  // Rule: network and version of this topic
  checkNetworkAndVersion(params, a)
  // Rule: attestations travel on attestation topics only
  const parsed = parseTopic(topic)
  const onAttestationTopic =
    parsed?.kind === 'attestation' && parsed.shard < params.committeeShards && topic === attestationTopic(params, parsed.shard)
  if (!parsed || !onAttestationTopic) {
    reject('WRONG_TOPIC', 'attestations belong on an attestation topic of this network')
  }
  // Rule: round window: members attest the previous round, after it ended (DESIGN §3, Convergence)
  const info = roundWindow(ctx, a.round)
  // Rule: the task is one of the round's tasks
  if (!isTaskInRound(info, a.task)) reject('TASK_NOT_IN_ROUND', 'the task is not one of the round tasks', { round: a.round })
  // Rule: published on its committee's shard, the one of its measurements (spec §12.1)
  const shard = committeeShard(a.task, info.seeds.nodeSelection, params.committeeShards)
  if (parsed.shard !== shard) reject('WRONG_TOPIC', `the task's committee attests on shard ${shard}`, { shard })
  // Rule: only committee members attest, i.e. stations the task was assigned to (spec §4); in
  // version 2 participants, whatever key signs (spec §13.3a)
  const assignee = isVersion2Attestation(a) ? a.participant : a.stationId
  if (!isAssignedTo(info, params, assignee, a.task)) reject('NOT_COMMITTEE_MEMBER', 'the task is not assigned to the attester')
  // Rule: signed by the station's key
  if (!verifyAttestationSignature(a)) reject('INVALID_SIGNATURE', "the signature is not the station's")
  return { attestation: a, cid: cidOfDagCbor(bytes), bytes }
}

/**
 * `validateAttestationMessage`, then on a version-2 network the rules that need the chain, as for
 * a measurement (spec §12.5 rules 13a–16): the attestation's participant is eligible and its
 * binding names the station. Judged from the attestation alone, so a node that saw none of the
 * station's measurements (another shard, a partition) accepts it too, and catches up from it
 * (spec §12.7). `from` is the relaying peer, whose lookup budget pays for unknown participants.
 */
export async function validateAttestationGossip(
  bytes: Uint8Array,
  topic: string,
  ctx: GossipValidationContext,
  from?: string,
): Promise<ValidatedAttestation> {
  const validated = validateAttestationMessage(bytes, topic, ctx)
  const a = validated.attestation
  if (!isVersion2Attestation(a)) return validated
  const admission = ctx.admission
  // a version-2 network's validators are built with it (kinds.ts): its absence is our bug
  if (!admission) throw new Error('a version-2 attestation needs the node admission to be validated')
  await checkParticipantAdmission(admission, ctx.params.network, a, from)
  return validated
}

function roundWindow(ctx: GossipValidationContext, round: number): RoundInfo {
  const current = ctx.currentRound
  if (round >= current) ignore('ROUND_NOT_ENDED', 'results of a round are attested after it ends', { round, current })
  // Collected for two rounds after the round: members that missed each other's measurements
  // (a partition, a late start) converge by exchanging attestations, then re-attesting after a
  // catch-up (spec §12.7), which can take longer than the next round. Three rounds late may
  // still be a slow evaluator; later is a replay (see validate-measurement.ts).
  if (round < current - 3) reject('ROUND_TOO_OLD', 'an attestation of a round that ended long ago is a replay', { round, current })
  if (round < current - 2) ignore('ROUND_CLOSED', 'attestations of this round are no longer collected', { round, current })
  const info = ctx.roundInfo(round)
  if (!info) ignore('ROUND_UNKNOWN', 'the round is not known here', { round })
  return info
}
