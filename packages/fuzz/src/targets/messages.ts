import {
  bytesEqual,
  decodeAttestation,
  decodeSignedMeasurement,
  encodeAttestation,
  encodeSignedMeasurement,
  type MeasurementRecord,
  measurementFromJson,
  measurementRecord,
  measurementRecordFromJson,
  measurementToJson,
  ProtocolError,
  signAttestation,
  verifyMeasurementSignature,
} from '@spark-swarm/protocol'
import { cborInputs, jsonValueInputs } from '../inputs.js'
import { roundFixture } from '../round-fixture.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'

const protocolCode = (err: unknown) => codeWhenInstance(err, ProtocolError)

/** `decodeSignedMeasurement`: gossip and file bytes of a signed measurement (spec §5.2). */
export function measurementCborTarget(): FuzzTarget<Uint8Array> {
  const { measurementBytes } = roundFixture()
  return {
    name: 'measurement (DAG-CBOR)',
    arbitrary: cborInputs(measurementBytes),
    run(bytes) {
      const m = decodeSignedMeasurement(bytes)
      // one measurement, one byte string: what decodes must encode back to the same bytes
      invariant(bytesEqual(encodeSignedMeasurement(m), bytes), 'a decoded measurement does not encode back to its bytes')
      return undefined
    },
    codeOf: protocolCode,
    codes: ['MEASUREMENT_MALFORMED'],
  }
}

/**
 * One line of a measurements NDJSON file, as `evaluate` reads it (`measurementRecordFromJson`,
 * one encoding), against `measurementFromJson` then `measurementRecord` and
 * `verifyMeasurementSignature`: the same lines refused, the same CID and verdict for the rest.
 */
export function measurementJsonTarget(): FuzzTarget<unknown> {
  const { measurements } = roundFixture()
  return {
    name: 'measurement (JSON line)',
    arbitrary: jsonValueInputs(measurements.map(measurementToJson)),
    run(value) {
      const attempt = (read: () => MeasurementRecord): MeasurementRecord | { error: unknown } => {
        try {
          return read()
        } catch (error) {
          return { error }
        }
      }
      const plain = attempt(() => measurementRecord(measurementFromJson(value)))
      const record = attempt(() => measurementRecordFromJson(value, { verify: true }))
      invariant('error' in plain === 'error' in record, 'the one-encoding path and the plain one disagree on whether a line is malformed')
      if ('error' in record) throw record.error
      if ('error' in plain) return undefined
      invariant(record.cid === plain.cid, 'the one-encoding path names a measurement by another CID')
      invariant(record.signatureValid === verifyMeasurementSignature(plain.measurement), 'the two paths judge a signature differently')
      return undefined
    },
    codeOf: protocolCode,
    codes: ['MEASUREMENT_MALFORMED'],
  }
}

/** `decodeAttestation`: gossip bytes of an attestation (spec §12.4). */
export function attestationCborTarget(): FuzzTarget<Uint8Array> {
  const { attestation, stations } = roundFixture()
  // and a version-2 one (spec §13.3a): shape only, so any 65 bytes stand for the binding
  const key = stations.find((k) => k.stationId === attestation.stationId) as (typeof stations)[number]
  const { signature: _, ...fields } = attestation
  const v2 = signAttestation(
    {
      ...fields,
      protocolVersion: 2,
      participant: `0x${'ab'.repeat(20)}`,
      bindingFromRound: 0,
      bindingSignature: new Uint8Array(65).fill(7),
    },
    key,
  )
  return {
    name: 'attestation (DAG-CBOR)',
    arbitrary: cborInputs([encodeAttestation(attestation), encodeAttestation(v2)]),
    run(bytes) {
      const a = decodeAttestation(bytes)
      invariant(bytesEqual(encodeAttestation(a), bytes), 'a decoded attestation does not encode back to its bytes')
      return undefined
    },
    codeOf: protocolCode,
    codes: ['ATTESTATION_MALFORMED'],
  }
}
