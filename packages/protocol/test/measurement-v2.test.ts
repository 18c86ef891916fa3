import * as dagCbor from '@ipld/dag-cbor'
import { encode as cborEncode } from 'cborg'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeSignedMeasurement,
  encodeSignedMeasurement,
  MAX_MEASUREMENT_BYTES,
  MAX_MEASUREMENT_BYTES_V2,
  type Measurement,
  measurementCid,
  measurementFromJson,
  measurementToJson,
  type ProtocolError,
  type SignedMeasurement,
  signMeasurement,
  toHex,
  validateMeasurementShape,
  verifyMeasurementSignature,
} from '../src/index.js'
import { errorCode, okMeasurement, specKeyOrder, testStation, testTasks, withoutField } from './helpers.js'
import { boundMeasurement, testParticipant, v2Params, v2Round } from './helpers-v2.js'

// Version-2 measurement fields and encodings (spec §13.3).
const ctx = v2Round(v2Params(), testTasks(4), [])
const key = testStation(1)
const who = testParticipant(1)
const signed = signMeasurement(boundMeasurement(ctx, key, who, ctx.tasks[0]!), key)

describe('version-2 measurement codec', () => {
  it('round-trips through DAG-CBOR and JSON, with the binding signed by the station', () => {
    const decoded = decodeSignedMeasurement(encodeSignedMeasurement(signed))
    expect(decoded).toEqual(signed)
    expect(verifyMeasurementSignature(decoded)).toBe(true)
    expect(measurementFromJson(JSON.parse(JSON.stringify(measurementToJson(signed))))).toEqual(signed)
    // the station signs the binding fields too: another participant breaks its signature
    expect(verifyMeasurementSignature({ ...signed, participant: testParticipant(2).address })).toBe(false)
    expect(verifyMeasurementSignature({ ...signed, bindingFromRound: 1 })).toBe(false)
  })

  it('encodes its keys in the order spec §13.3 lists', () => {
    const order = specKeyOrder('### 13.3', '### 13.4')
    expect(order).toHaveLength(25)
    expect(Object.keys(dagCbor.decode(encodeSignedMeasurement(signed)) as object)).toEqual(order)
  })

  it('emits the JSON form in table order, the binding signature as 130 hex digits', () => {
    const json = measurementToJson(signed)
    const keys = Object.keys(json)
    expect(keys.slice(4, 8)).toEqual(['stationId', 'participant', 'bindingFromRound', 'bindingSignature'])
    expect(keys.at(-1)).toBe('signature')
    expect(json.bindingSignature).toBe(toHex(signed.bindingSignature!))
    expect(json.bindingSignature).toMatch(/^[0-9a-f]{130}$/)
    for (const bad of [json.bindingSignature?.toUpperCase(), json.bindingSignature?.slice(2), undefined])
      expect(errorCode(() => measurementFromJson({ ...json, bindingSignature: bad }))).toBe('MEASUREMENT_MALFORMED')
  })

  it('rejects a non-canonical encoding of the same fields', () => {
    // the same map with its keys in insertion order instead of DAG-CBOR's
    const unsorted = cborEncode({ ...signed }, { ...dagCbor.encodeOptions, mapSorter: () => 0 })
    expect(dagCbor.decode(unsorted)).toEqual(dagCbor.decode(encodeSignedMeasurement(signed)))
    expect(errorCode(() => decodeSignedMeasurement(unsorted))).toBe('MEASUREMENT_MALFORMED')
    expect(errorCode(() => decodeSignedMeasurement(new Uint8Array([...encodeSignedMeasurement(signed), 0])))).toBe('MEASUREMENT_MALFORMED')
  })
})

describe('version-2 measurement decoding under mutation', () => {
  it('a changed byte decodes to a measurement that encodes back to it, or fails with MEASUREMENT_MALFORMED (property)', () => {
    const valid = encodeSignedMeasurement(signed)
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const bytes = new Uint8Array(valid)
        bytes[i] = b
        let decoded: SignedMeasurement
        try {
          decoded = decodeSignedMeasurement(bytes)
        } catch (err) {
          expect((err as ProtocolError).code).toBe('MEASUREMENT_MALFORMED')
          return
        }
        expect(encodeSignedMeasurement(decoded)).toEqual(bytes)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('version-2 measurement shape', () => {
  it('requires the three fields in version 2 and refuses them in version 1', () => {
    for (const name of ['participant', 'bindingFromRound', 'bindingSignature'])
      expect(errorCode(() => validateMeasurementShape(withoutField(signed, name), true))).toBe('MEASUREMENT_MALFORMED')
    const v1 = signMeasurement(okMeasurement({ ...ctx, params: { ...ctx.params, protocolVersion: 1 } }, key, ctx.tasks[0]!), key)
    expect(errorCode(() => validateMeasurementShape(v1, true))).toBe('accepted')
    for (const name of ['participant', 'bindingFromRound', 'bindingSignature'] as const) {
      const withField = { ...v1, [name]: signed[name] }
      expect(() => validateMeasurementShape(withField, true)).toThrow(`unknown field "${name}"`)
    }
  })

  it('checks each field: participant form, bindingFromRound a uint, bindingSignature 65 bytes', () => {
    const bad: Array<Partial<Measurement>> = [
      { participant: who.address.toUpperCase().replace('0X', '0x') },
      { participant: who.address.slice(0, 41) },
      { participant: `${who.address} ` },
      { bindingFromRound: -1 },
      { bindingFromRound: 1.5 },
      { bindingSignature: new Uint8Array(64) },
      { bindingSignature: new Uint8Array(66) },
    ]
    for (const o of bad) expect(errorCode(() => validateMeasurementShape({ ...signed, ...o }, true))).toBe('MEASUREMENT_MALFORMED')
    // a binding of a later round is well formed: evaluation labels it (BINDING_INVALID), shape does not
    expect(errorCode(() => validateMeasurementShape({ ...signed, bindingFromRound: ctx.round + 1 }, true))).toBe('accepted')
  })
})

describe('version-2 measurement size', () => {
  const big = 2 ** 53 - 1
  const atLimits = {
    network: 'n'.repeat(63),
    task: { cid: 'c'.repeat(256), minerId: 'm'.repeat(64) },
    inetGroup: 'g'.repeat(64),
    checkerVersion: 'v'.repeat(32),
    indexerResult: 'i'.repeat(64),
    protocol: 'p'.repeat(16),
    providerId: 'q'.repeat(128),
    providerAddress: 'a'.repeat(512),
    carChecksum: 'k'.repeat(140),
    retrievalResult: 'r'.repeat(64),
    round: big,
    bindingFromRound: big,
    statusCode: big,
    headStatusCode: big,
    byteLength: big,
    startAt: big,
    firstByteAt: big,
    endAt: big,
  }

  it('fits a version-2 measurement at every field limit, which version 1 bound would refuse', () => {
    const m = signMeasurement(boundMeasurement(ctx, key, who, ctx.tasks[0]!, atLimits), key)
    const bytes = encodeSignedMeasurement(m)
    expect(bytes.length).toBeGreaterThan(MAX_MEASUREMENT_BYTES)
    expect(bytes.length).toBeLessThanOrEqual(MAX_MEASUREMENT_BYTES_V2)
    expect(measurementCid(decodeSignedMeasurement(bytes)).toString()).toBe(measurementCid(m).toString())
  })

  it('still refuses a version-1 measurement over 2048 bytes, and anything over the version-2 bound', () => {
    const { participant: _p, bindingFromRound: _f, bindingSignature: _s, ...fields } = signed
    const v1 = { ...fields, protocolVersion: 1, providerAddress: '€'.repeat(512) }
    const bytes = dagCbor.encode(v1)
    expect(bytes.length).toBeGreaterThan(MAX_MEASUREMENT_BYTES)
    expect(bytes.length).toBeLessThanOrEqual(MAX_MEASUREMENT_BYTES_V2)
    expect(errorCode(() => decodeSignedMeasurement(bytes))).toBe('MEASUREMENT_MALFORMED')
    // the same fields as version 2 decode: only the bound differs
    expect(errorCode(() => decodeSignedMeasurement(dagCbor.encode({ ...signed, providerAddress: '€'.repeat(512) })))).toBe('accepted')
    const tooBig = { ...signed, ...atLimits, providerAddress: '€'.repeat(512) }
    expect(errorCode(() => encodeSignedMeasurement(tooBig))).toBe('MEASUREMENT_MALFORMED')
    expect(errorCode(() => decodeSignedMeasurement(dagCbor.encode(tooBig)))).toBe('MEASUREMENT_MALFORMED')
  })
})
