import {
  attestationTopic,
  type GossipValidationContext,
  GossipValidationError,
  measurementTopic,
  validateAttestationMessage,
  validateMeasurementMessage,
} from '@spark-swarm/node'
import {
  encodeAttestation,
  encodeSignedMeasurement,
  type Measurement,
  roundStartTime,
  signAttestation,
  signMeasurement,
  unsignedView,
} from '@spark-swarm/protocol'
import * as fc from 'fast-check'
import { cborInputs } from '../inputs.js'
import { roundFixture, roundView } from '../round-fixture.js'
import { codeWhenInstance, type FuzzTarget } from '../target.js'

/** Every GossipErrorCode (node/src/gossip/errors.ts). */
export const GOSSIP_CODES = [
  'MEASUREMENT_TOO_LARGE',
  'MEASUREMENT_MALFORMED',
  'ATTESTATION_TOO_LARGE',
  'ATTESTATION_MALFORMED',
  'WRONG_NETWORK',
  'WRONG_PROTOCOL_VERSION',
  'WRONG_TOPIC',
  'ROUND_CLOSED',
  'ROUND_TOO_OLD',
  'ROUND_NOT_STARTED',
  'ROUND_NOT_ENDED',
  'ROUND_UNKNOWN',
  'TASK_NOT_IN_ROUND',
  'TASK_WRONG_NODE',
  'NOT_COMMITTEE_MEMBER',
  'OUTDATED_CLIENT',
  'RESULT_MISMATCH',
  'INVALID_SIGNATURE',
  'NOT_ELIGIBLE',
  'BINDING_INVALID',
  'CHAIN_UNREADABLE',
]

interface GossipInput {
  bytes: Uint8Array
  /** 0…C−1: that measurement shard's topic; C…2C−1: attestation shard topic − C; otherwise `other`. */
  topic: number
  other: string
}

/** A node's view with the fixture's round current and the previous one known (1 s into the round). */
function validationContext(): GossipValidationContext {
  const { params, round } = roundFixture()
  const known = new Map([round - 1, round].map((r) => [r, roundView(params, r)]))
  return { params, now: () => roundStartTime(params, round) + 1_000, currentRound: round, roundInfo: (r) => known.get(r) }
}

function topicOf(input: GossipInput): string {
  const { params } = roundFixture()
  if (input.topic < params.committeeShards) return measurementTopic(params, input.topic)
  if (input.topic < 2 * params.committeeShards) return attestationTopic(params, input.topic - params.committeeShards)
  return input.other
}

/** Valid values for the fields the validator judges after decoding: other rounds, tasks, versions, results. */
function plausibleOverrides(): fc.Arbitrary<Partial<Measurement>> {
  const { tasks, round } = roundFixture()
  return fc.record(
    {
      round: fc.constantFrom(0, round - 2, round - 1, round + 1, 2 ** 40),
      task: fc.constantFrom(...tasks, { cid: 'bafynotatask', minerId: 'f01000' }),
      checkerVersion: fc.constantFrom('0.0.9', '0.1.0-rc.1', '9.9.9', '1'),
      retrievalResult: fc.constantFrom('OK', 'TIMEOUT', 'HTTP_502'),
      network: fc.constantFrom('fuzz', 'mainnet'),
      protocolVersion: fc.constantFrom(1, 2),
      statusCode: fc.constantFrom(200, 502, null),
    },
    { requiredKeys: [] },
  )
}

/** `validateMeasurementMessage`: what a node does with a message on a measurement topic. */
export function gossipMeasurementTarget(): FuzzTarget<GossipInput> {
  const { measurements, measurementBytes, stations, params } = roundFixture()
  const ctx = validationContext()
  // re-signed with changed fields, so that the checks after the signature-independent ones run
  const resigned = fc.tuple(fc.nat(measurements.length - 1), plausibleOverrides()).map(([i, overrides]) => {
    const m = measurements[i] as (typeof measurements)[number]
    const key = stations.find((s) => s.stationId === m.stationId)
    try {
      return encodeSignedMeasurement(signMeasurement({ ...unsignedView(m), ...overrides }, key as (typeof stations)[number]))
    } catch {
      return measurementBytes[i] as Uint8Array
    }
  })
  return {
    name: 'gossip measurement',
    arbitrary: fc.record({
      bytes: fc.oneof({ weight: 3, arbitrary: cborInputs(measurementBytes) }, { weight: 2, arbitrary: resigned }),
      topic: fc.nat(2 * params.committeeShards),
      other: fc.string({ maxLength: 80 }),
    }),
    run(input) {
      validateMeasurementMessage(input.bytes, topicOf(input), ctx)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, GossipValidationError),
    codes: GOSSIP_CODES,
  }
}

/** `validateAttestationMessage`: what a node does with a message on an attestation topic. */
export function gossipAttestationTarget(): FuzzTarget<GossipInput> {
  const { attestation, stations, tasks, round, params } = roundFixture()
  const ctx = validationContext()
  const valid = encodeAttestation(attestation)
  const resigned = fc
    .record({
      station: fc.nat(stations.length - 1),
      round: fc.constantFrom(round - 2, round - 1, round, round + 1),
      task: fc.constantFrom(...tasks, ...roundView(params, round - 1).tasks),
      network: fc.constantFrom('fuzz', 'mainnet'),
    })
    .map(({ station, ...fields }) => {
      const key = stations[station] as (typeof stations)[number]
      return encodeAttestation(signAttestation({ ...attestation, ...fields, stationId: key.stationId }, key))
    })
  return {
    name: 'gossip attestation',
    arbitrary: fc.record({
      bytes: fc.oneof({ weight: 3, arbitrary: cborInputs([valid]) }, { weight: 2, arbitrary: resigned }),
      topic: fc.nat(2 * params.committeeShards),
      other: fc.string({ maxLength: 80 }),
    }),
    run(input) {
      validateAttestationMessage(input.bytes, topicOf(input), ctx)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, GossipValidationError),
    codes: GOSSIP_CODES,
  }
}
