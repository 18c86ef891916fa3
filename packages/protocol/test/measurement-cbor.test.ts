import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeMeasurement, encodeSignedMeasurement, ProtocolError, type SignedMeasurement, signMeasurement } from '../src/index.js'
import { encodeValidatedMeasurementPair } from '../src/measurement-cbor.js'
import { okMeasurement, testParams, testRound, testStation, testTasks } from './helpers.js'
import { boundMeasurement, testParticipant, v2Params, v2Round } from './helpers-v2.js'

const ctx = testRound(testParams(), testTasks(4))
const key = testStation(1)
const v2ctx = v2Round(v2Params(), testTasks(4), [testParticipant(1)])

const nullableInt = fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null })
// any text: ASCII and any code point
const nullableStr = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })), {
  nil: null,
})
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

describe('the measurement encoder', () => {
  it("writes @ipld/dag-cbor's bytes, versions 1 and 2, signed and not (property)", () => {
    fc.assert(
      fc.property(fields, fc.boolean(), (f, v2) => {
        const m = signedOf(() =>
          v2
            ? signMeasurement(boundMeasurement(v2ctx, key, testParticipant(1), v2ctx.tasks[1]!, f), key)
            : signMeasurement(okMeasurement(ctx, key, ctx.tasks[1]!, f), key),
        )
        if (m === undefined) return
        const { signature: _, ...unsigned } = m
        expect(encodeSignedMeasurement(m)).toEqual(dagCbor.encode(m))
        expect(encodeMeasurement(m)).toEqual(dagCbor.encode(unsigned))
        // both from one pass, the unsigned bytes cut out of the signed ones
        expect(encodeValidatedMeasurementPair(m)).toEqual({ signed: dagCbor.encode(m), unsigned: dagCbor.encode(unsigned) })
      }),
      { numRuns: 300 },
    )
  })

  it('encodes text as UTF-8 (a lone surrogate as U+FFFD), every integer size and -0 as dag-cbor does', () => {
    const texts = ['€uro', '\ud800', 'a\udfffb', '😀', 'x'.repeat(23), 'x'.repeat(24), 'x'.repeat(255), 'x'.repeat(256)]
    const integers = [0, -0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
    for (const providerAddress of texts) {
      for (const byteLength of integers) {
        const m = signMeasurement(okMeasurement(ctx, key, ctx.tasks[2]!, { providerAddress, byteLength }), key)
        expect(encodeSignedMeasurement(m)).toEqual(dagCbor.encode(m))
      }
    }
  })
})
