import { describe, expect, it } from 'vitest'
import {
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

const ctx = testRound(testParams(), testTasks(4))
const key = testStation(1)
const other = testStation(2)

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
