import * as dagCbor from '@ipld/dag-cbor'
import {
  cidOfDagCbor,
  committeeShard,
  encodeAttestation,
  encodeSignedMeasurement,
  MAX_ATTESTATION_BYTES,
  MAX_MEASUREMENT_BYTES,
  measurementCid,
  participantOfPrivateKey,
  type RetrievalTask,
  type SignedMeasurement,
  type StationKey,
  sha256,
  signAttestation,
  signBinding,
  signMeasurement,
  type UnsignedAttestation,
} from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import {
  type GossipValidationContext,
  GossipValidationError,
  measurementTopic,
  validateAttestationMessage,
  validateMeasurementMessage,
} from '../src/gossip/index.js'
import {
  assigned,
  attestationTopicOf,
  CURRENT_ROUND,
  findStation,
  measurement,
  params,
  roundInfo,
  station,
  unassignedTask,
  validationContext,
} from './gossip-fixtures.js'

const key = station(1)
const ctx = validationContext()

function topicOf(round: number, task: RetrievalTask): string {
  return measurementTopic(params, committeeShard(task, roundInfo(round).seeds.nodeSelection, params.committeeShards))
}

function otherShardTopic(round: number, task: RetrievalTask): string {
  const shard = committeeShard(task, roundInfo(round).seeds.nodeSelection, params.committeeShards)
  return measurementTopic(params, (shard + 1) % params.committeeShards)
}

/** `code:action` of the validation failure, or 'accepted'. */
function outcome(f: () => unknown): string {
  try {
    f()
    return 'accepted'
  } catch (err) {
    if (!(err instanceof GossipValidationError)) throw err
    return `${err.code}:${err.action}`
  }
}

function signed(round: number, signer: StationKey, task: RetrievalTask, overrides = {}): SignedMeasurement {
  return signMeasurement(measurement(round, signer, task, overrides), signer)
}

function validateM(m: SignedMeasurement, topic = topicOf(m.round, m.task), c: GossipValidationContext = ctx): string {
  return outcome(() => validateMeasurementMessage(encodeSignedMeasurement(m), topic, c))
}

describe('validateMeasurementMessage', () => {
  const task = assigned(CURRENT_ROUND, key)[0]!
  const good = signed(CURRENT_ROUND, key, task)

  it('accepts a station’s signed measurement of its own task, on its shard, and returns its CID', () => {
    const bytes = encodeSignedMeasurement(good)
    const result = validateMeasurementMessage(bytes, topicOf(CURRENT_ROUND, task), ctx)
    expect(result.measurement).toEqual(good)
    expect(result.cid.toString()).toBe(measurementCid(good).toString())
  })

  it('accepts the previous round during its grace period', () => {
    const prev = assigned(CURRENT_ROUND - 1, key)[0]!
    expect(validateM(signed(CURRENT_ROUND - 1, key, prev))).toBe('accepted')
  })

  it('MEASUREMENT_TOO_LARGE: rejects oversized bytes before decoding', () => {
    expect(outcome(() => validateMeasurementMessage(new Uint8Array(MAX_MEASUREMENT_BYTES + 1), topicOf(CURRENT_ROUND, task), ctx))).toBe(
      'MEASUREMENT_TOO_LARGE:reject',
    )
  })

  it('MEASUREMENT_MALFORMED: rejects bytes that are not a canonical measurement', () => {
    const topic = topicOf(CURRENT_ROUND, task)
    expect(outcome(() => validateMeasurementMessage(new Uint8Array([0xff, 0x00]), topic, ctx))).toBe('MEASUREMENT_MALFORMED:reject')
    expect(outcome(() => validateMeasurementMessage(dagCbor.encode({ ...good, extra: 1 }), topic, ctx))).toBe(
      'MEASUREMENT_MALFORMED:reject',
    )
    const bytes = encodeSignedMeasurement(good)
    expect(outcome(() => validateMeasurementMessage(new Uint8Array([...bytes, 0]), topic, ctx))).toBe('MEASUREMENT_MALFORMED:reject')
  })

  it('WRONG_NETWORK and WRONG_PROTOCOL_VERSION: rejects another network’s or version’s measurement', () => {
    expect(validateM(signed(CURRENT_ROUND, key, task, { network: 'mainnet' }))).toBe('WRONG_NETWORK:reject')
    // a well-formed version-2 measurement (spec §13.3), bound to a participant, on a version-1 network
    const wallet = sha256(new TextEncoder().encode('gossip validation participant'))
    const participant = participantOfPrivateKey(wallet)
    const bindingSignature = signBinding({ network: params.network, participant, stationId: key.stationId, fromRound: 0 }, wallet)
    const v2 = signed(CURRENT_ROUND, key, task, { protocolVersion: 2, participant, bindingFromRound: 0, bindingSignature })
    expect(validateM(v2)).toBe('WRONG_PROTOCOL_VERSION:reject')
  })

  it('ROUND_NOT_STARTED: ignores a future round', () => {
    expect(validateM(signed(CURRENT_ROUND + 1, key, task), topicOf(CURRENT_ROUND, task))).toBe('ROUND_NOT_STARTED:ignore')
  })

  it('ROUND_TOO_OLD: rejects a measurement of a round before the previous one as a replay', () => {
    expect(validateM(signed(CURRENT_ROUND - 2, key, task), topicOf(CURRENT_ROUND, task))).toBe('ROUND_TOO_OLD:reject')
    expect(validateM(signed(0, key, task), topicOf(CURRENT_ROUND, task))).toBe('ROUND_TOO_OLD:reject')
  })

  it('ROUND_CLOSED: ignores the previous round after its grace period', () => {
    const prev = assigned(CURRENT_ROUND - 1, key)[0]!
    const late = validationContext({ msIntoRound: params.gracePeriodMs + 1 })
    expect(validateM(signed(CURRENT_ROUND - 1, key, prev), undefined, late)).toBe('ROUND_CLOSED:ignore')
    const justInTime = validationContext({ msIntoRound: params.gracePeriodMs })
    expect(validateM(signed(CURRENT_ROUND - 1, key, prev), undefined, justInTime)).toBe('accepted')
  })

  it('ROUND_UNKNOWN: ignores a round in the window the node has no info for', () => {
    const prev = assigned(CURRENT_ROUND - 1, key)[0]!
    expect(validateM(signed(CURRENT_ROUND - 1, key, prev), undefined, validationContext({ known: [CURRENT_ROUND] }))).toBe(
      'ROUND_UNKNOWN:ignore',
    )
  })

  it('TASK_NOT_IN_ROUND: rejects a task that is not a round task', () => {
    const notATask = { cid: 'bafynotatask', minerId: 'f01000' }
    expect(validateM(signed(CURRENT_ROUND, key, notATask), measurementTopic(params, 0))).toBe('TASK_NOT_IN_ROUND:reject')
    // a task of the catalogue sampled in another round only
    const inRound = new Set(roundInfo(CURRENT_ROUND).tasks.map((t) => t.cid))
    const elsewhere = roundInfo(CURRENT_ROUND - 1).tasks.find((t) => !inRound.has(t.cid))!
    expect(validateM(signed(CURRENT_ROUND, key, elsewhere), measurementTopic(params, 0))).toBe('TASK_NOT_IN_ROUND:reject')
  })

  it('WRONG_TOPIC: rejects a measurement published on another shard than its committee’s', () => {
    expect(validateM(good, otherShardTopic(CURRENT_ROUND, task))).toBe('WRONG_TOPIC:reject')
    expect(validateM(good, attestationTopicOf(CURRENT_ROUND, task))).toBe('WRONG_TOPIC:reject')
  })

  it('TASK_WRONG_NODE: rejects a task the station was not assigned', () => {
    const other = unassignedTask(CURRENT_ROUND, key)
    expect(validateM(signed(CURRENT_ROUND, key, other))).toBe('TASK_WRONG_NODE:reject')
  })

  it('OUTDATED_CLIENT: rejects checkers below params.minCheckerVersion', () => {
    expect(validateM(signed(CURRENT_ROUND, key, task, { checkerVersion: '0.0.9' }))).toBe('OUTDATED_CLIENT:reject')
    expect(validateM(signed(CURRENT_ROUND, key, task, { checkerVersion: 'latest' }))).toBe('OUTDATED_CLIENT:reject')
  })

  it('RESULT_MISMATCH: rejects a retrievalResult that does not follow from the fields', () => {
    expect(validateM(signed(CURRENT_ROUND, key, task, { statusCode: 502, retrievalResult: 'OK' }))).toBe('RESULT_MISMATCH:reject')
  })

  it('INVALID_SIGNATURE: rejects a forged signature, another station’s signature, and a replay to another round', () => {
    const forged = { ...good, signature: new Uint8Array(64).fill(7) }
    expect(validateM(forged)).toBe('INVALID_SIGNATURE:reject')
    const flipped = new Uint8Array(good.signature)
    flipped[0] = (flipped[0] as number) ^ 1
    expect(validateM({ ...good, signature: flipped })).toBe('INVALID_SIGNATURE:reject')
    // a station whose task is in both rounds and assigned to it in both: the replay passes every
    // check but the signature, which binds the round
    const both = findStation((k) => assigned(CURRENT_ROUND, k).find((t) => assigned(CURRENT_ROUND - 1, k).some((u) => u.cid === t.cid)))
    const original = signed(CURRENT_ROUND, both.key, both.found)
    expect(validateM({ ...original, round: CURRENT_ROUND - 1 })).toBe('INVALID_SIGNATURE:reject')
  })

  it('checks cheap rules first: a bad signature on the wrong topic is WRONG_TOPIC', () => {
    const forged = { ...good, signature: new Uint8Array(64) }
    expect(validateM(forged, otherShardTopic(CURRENT_ROUND, task))).toBe('WRONG_TOPIC:reject')
    expect(validateM({ ...forged, round: CURRENT_ROUND + 3 }, otherShardTopic(CURRENT_ROUND, task))).toBe('ROUND_NOT_STARTED:ignore')
  })
})

describe('validateAttestationMessage', () => {
  const round = CURRENT_ROUND - 1
  const task = assigned(round, key)[0]!
  const committee = cidOfDagCbor(dagCbor.encode({ committee: 'result' }))
  const statement = (overrides: Partial<UnsignedAttestation> = {}): UnsignedAttestation => ({
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task,
    stationId: key.stationId,
    committee,
    ...overrides,
  })
  const topic = attestationTopicOf(round, task)
  const validateA = (overrides: Partial<UnsignedAttestation> = {}, t = topic, c = ctx) =>
    outcome(() => validateAttestationMessage(encodeAttestation(signAttestation(statement(overrides), key)), t, c))

  it('accepts a committee member’s attestation of the previous round, with its CID', () => {
    const a = signAttestation(statement(), key)
    const bytes = encodeAttestation(a)
    const result = validateAttestationMessage(bytes, topic, ctx)
    expect(result.attestation).toEqual(a)
    expect(result.cid.toString()).toBe(cidOfDagCbor(bytes).toString())
  })

  it('ATTESTATION_TOO_LARGE and ATTESTATION_MALFORMED', () => {
    expect(outcome(() => validateAttestationMessage(new Uint8Array(MAX_ATTESTATION_BYTES + 1), topic, ctx))).toBe(
      'ATTESTATION_TOO_LARGE:reject',
    )
    expect(outcome(() => validateAttestationMessage(new Uint8Array([0xa0]), topic, ctx))).toBe('ATTESTATION_MALFORMED:reject')
  })

  it('WRONG_NETWORK, WRONG_PROTOCOL_VERSION and WRONG_TOPIC', () => {
    expect(validateA({ network: 'mainnet' })).toBe('WRONG_NETWORK:reject')
    // a well-formed version-2 attestation (spec §13.3a) on this version-1 network
    const v2 = { protocolVersion: 2, participant: `0x${'a'.repeat(40)}`, bindingFromRound: 0, bindingSignature: new Uint8Array(65) }
    expect(validateA(v2)).toBe('WRONG_PROTOCOL_VERSION:reject')
    expect(validateA({}, measurementTopic(params, 0))).toBe('WRONG_TOPIC:reject')
  })

  it('WRONG_TOPIC: an attestation on another shard than its committee’s measurements', () => {
    expect(validateA({}, attestationTopicOf(round, task, 1))).toBe('WRONG_TOPIC:reject')
    // the old layout's one summaries topic is not a topic of this network any more
    expect(validateA({}, `/spark-swarm/${params.protocolVersion}/${params.network}/summaries`)).toBe('WRONG_TOPIC:reject')
    // a shard beyond the network's committeeShards
    expect(validateA({}, `/spark-swarm/${params.protocolVersion}/${params.network}/attestations/${params.committeeShards}`)).toBe(
      'WRONG_TOPIC:reject',
    )
  })

  it('ROUND_NOT_ENDED, ROUND_CLOSED and ROUND_UNKNOWN are ignored', () => {
    expect(validateA({ round: CURRENT_ROUND })).toBe('ROUND_NOT_ENDED:ignore')
    expect(validateA({ round: CURRENT_ROUND - 3 })).toBe('ROUND_CLOSED:ignore')
  })

  it('ROUND_TOO_OLD: an attestation four or more rounds old is rejected as a replay', () => {
    expect(validateA({ round: CURRENT_ROUND - 4 })).toBe('ROUND_TOO_OLD:reject')
    expect(validateA({}, topic, validationContext({ known: [CURRENT_ROUND] }))).toBe('ROUND_UNKNOWN:ignore')
  })

  it('TASK_NOT_IN_ROUND and NOT_COMMITTEE_MEMBER are rejected', () => {
    expect(validateA({ task: { cid: 'bafynotatask', minerId: 'f01000' } })).toBe('TASK_NOT_IN_ROUND:reject')
    const unassigned = unassignedTask(round, key)
    expect(validateA({ task: unassigned }, attestationTopicOf(round, unassigned))).toBe('NOT_COMMITTEE_MEMBER:reject')
  })

  it('INVALID_SIGNATURE: a forged signature or a replay to another round', () => {
    const a = signAttestation(statement(), key)
    expect(outcome(() => validateAttestationMessage(encodeAttestation({ ...a, signature: new Uint8Array(64) }), topic, ctx))).toBe(
      'INVALID_SIGNATURE:reject',
    )
    // valid for the previous round as seen from this one: replayed into this round it fails on its signature
    const both = findStation((k) => assigned(round, k).find((t) => assigned(round - 1, k).some((u) => u.cid === t.cid)))
    const old = signAttestation({ ...statement(), round: round - 1, task: both.found, stationId: both.key.stationId }, both.key)
    const oldCtx = validationContext({ currentRound: round })
    expect(outcome(() => validateAttestationMessage(encodeAttestation(old), attestationTopicOf(round - 1, both.found), oldCtx))).toBe(
      'accepted',
    )
    expect(
      outcome(() => validateAttestationMessage(encodeAttestation({ ...old, round }), attestationTopicOf(round, both.found), ctx)),
    ).toBe('INVALID_SIGNATURE:reject')
  })
})
