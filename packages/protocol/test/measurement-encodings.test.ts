import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  encodeMeasurement,
  encodeSignedMeasurement,
  measurementEncodings,
  measurementFromJson,
  measurementRecord,
  measurementRecordFromJson,
  measurementToJson,
  ProtocolError,
  type SignedMeasurement,
  signMeasurement,
  verifyMeasurementSignature,
} from '../src/index.js'
import { okMeasurement, testParams, testRound, testStation, testTasks } from './helpers.js'
import { boundMeasurement, testParticipant, v2Params, v2Round } from './helpers-v2.js'

const ctx = testRound(testParams(), testTasks(4))
const key = testStation(1)
const other = testStation(2)
const v2ctx = v2Round(v2Params(), testTasks(4), [testParticipant(1)])

const nullableInt = fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null })
// any text, and the signature key's own bytes ("\x69signature" is "isignature") inside a value
const nullableStr = fc.option(
  fc.oneof(fc.string({ maxLength: 40 }), fc.constant('isignature'), fc.string({ unit: 'binary', maxLength: 20 })),
  {
    nil: null,
  },
)
const fields = fc.record({
  statusCode: nullableInt,
  byteLength: nullableInt,
  startAt: nullableInt,
  endAt: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: null }),
  carChecksum: nullableStr,
  providerAddress: nullableStr,
  providerId: nullableStr,
  timeout: fc.boolean(),
  inetGroup: fc.string({ maxLength: 64 }),
})

/** The measurement signed, or undefined when its fields are ones the shape check refuses (control characters). */
function signedOf(m: () => SignedMeasurement): SignedMeasurement | undefined {
  try {
    return m()
  } catch (err) {
    if (err instanceof ProtocolError) return undefined
    throw err
  }
}

describe('measurementEncodings: both encodings from one', () => {
  it('gives exactly the signed and unsigned encodings, versions 1 and 2 (property)', () => {
    fc.assert(
      fc.property(fields, fc.boolean(), (f, v2) => {
        const m = signedOf(() =>
          v2
            ? signMeasurement(boundMeasurement(v2ctx, key, testParticipant(1), v2ctx.tasks[1]!, f), key)
            : signMeasurement(okMeasurement(ctx, key, ctx.tasks[1]!, f), key),
        )
        if (m === undefined) return
        const { signed, unsigned } = measurementEncodings(m)
        expect(signed).toEqual(encodeSignedMeasurement(m))
        expect(unsigned).toEqual(encodeMeasurement(m))
      }),
      { numRuns: 300 },
    )
  })
})

describe('measurementRecordFromJson', () => {
  const m = signMeasurement(okMeasurement(ctx, key, ctx.tasks[0]!), key)
  const line = (value: SignedMeasurement) => JSON.parse(JSON.stringify(measurementToJson(value))) as unknown
  const verify = { verify: true }

  it("has measurementFromJson's measurement, measurementRecord's CID and verifyMeasurementSignature's verdict", () => {
    const record = measurementRecordFromJson(line(m), verify)
    expect(record.measurement).toEqual(measurementFromJson(line(m)))
    expect(record.cid).toBe(measurementRecord(m).cid)
    expect(record.signatureValid).toBe(true)
  })

  it('finds a signature of another station, or of another measurement, invalid', () => {
    const byOther = { ...m, signature: signMeasurement(okMeasurement(ctx, other, ctx.tasks[0]!), other).signature }
    const changed = { ...m, statusCode: 500 }
    for (const forged of [byOther, changed]) {
      expect(verifyMeasurementSignature(forged)).toBe(false)
      expect(measurementRecordFromJson(line(forged), verify).signatureValid).toBe(false)
    }
  })

  it('leaves the signature unjudged when not asked to verify', () => {
    expect(measurementRecordFromJson(line(m), { verify: false })).toEqual({ cid: measurementRecord(m).cid, measurement: m })
  })

  it('throws MEASUREMENT_MALFORMED as measurementFromJson and measurementRecord do', () => {
    const oversized = { ...m, providerAddress: '€'.repeat(500) }
    expect(() => measurementRecord(oversized)).toThrow(/more than 2048/)
    expect(() => measurementRecordFromJson(line(oversized), verify)).toThrow(/more than 2048/)
    const badStation = { ...(line(m) as object), stationId: m.stationId.toUpperCase() }
    expect(() => measurementFromJson(badStation)).toThrow(ProtocolError)
    expect(() => measurementRecordFromJson(badStation, verify)).toThrow(/stationId must be 88 lowercase hex digits/)
  })
})
