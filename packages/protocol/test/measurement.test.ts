import fc from 'fast-check'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import {
  cidFromText,
  cidOfDagCbor,
  cidText,
  dagCborCidText,
  decodeSignedMeasurement,
  encodeSignedMeasurement,
  measurementCid,
  measurementFromJson,
  measurementToJson,
  ProtocolError,
  publicKeyFromStationId,
  STATION_ID_PATTERN,
  signMeasurement,
  verifyMeasurementSignature,
} from '../src/index.js'
import { okMeasurement, testParams, testRound, testStation, testTasks } from './helpers.js'

const ctx = testRound(testParams(), testTasks(4))
const key = testStation(1)
const signed = signMeasurement(okMeasurement(ctx, key, ctx.tasks[0]!), key)

describe('station id', () => {
  it("is Spark's format: 88 hex chars of the SPKI DER public key", () => {
    expect(key.stationId).toMatch(STATION_ID_PATTERN)
    expect(key.stationId).toMatch(/^302a300506032b6570032100/)
    expect(publicKeyFromStationId(key.stationId)).toEqual(key.publicKey)
  })
})

describe('measurement codec', () => {
  it('round-trips through canonical DAG-CBOR with a stable CID', () => {
    const bytes = encodeSignedMeasurement(signed)
    const decoded = decodeSignedMeasurement(bytes)
    expect(decoded).toEqual(signed)
    expect(measurementCid(decoded).toString()).toBe(measurementCid(signed).toString())
    expect(measurementCid(signed).toString()).toMatch(/^bafyrei/)
  })

  it('round-trips through its JSON form', () => {
    const json = JSON.parse(JSON.stringify(measurementToJson(signed)))
    expect(measurementFromJson(json)).toEqual(signed)
  })

  it('round-trips any valid field values (property)', () => {
    const nullableInt = fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null })
    const nullableStr = fc.option(fc.string({ maxLength: 16 }), { nil: null })
    fc.assert(
      fc.property(
        fc.record({
          statusCode: nullableInt,
          byteLength: nullableInt,
          startAt: nullableInt,
          carChecksum: nullableStr,
          providerAddress: nullableStr,
          timeout: fc.boolean(),
          inetGroup: fc.string({ maxLength: 64 }),
        }),
        (fields) => {
          const m = signMeasurement(okMeasurement(ctx, key, ctx.tasks[1]!, fields), key)
          const again = decodeSignedMeasurement(encodeSignedMeasurement(m))
          expect(again).toEqual(m)
          expect(verifyMeasurementSignature(again)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('rejects a non-canonical encoding of the same measurement', () => {
    const bytes = encodeSignedMeasurement(signed)
    // append a byte: still starts with a valid map, but the encoding is no longer exactly it
    const longer = new Uint8Array([...bytes, 0])
    expect(() => decodeSignedMeasurement(longer)).toThrow(ProtocolError)
  })

  it('rejects oversized, malformed and wrongly shaped input with MEASUREMENT_MALFORMED', () => {
    const code = (f: () => unknown) => {
      try {
        f()
        return 'accepted'
      } catch (err) {
        return (err as ProtocolError).code
      }
    }
    expect(code(() => decodeSignedMeasurement(new Uint8Array(4096)))).toBe('MEASUREMENT_MALFORMED')
    expect(code(() => decodeSignedMeasurement(new Uint8Array([0xff, 0x00])))).toBe('MEASUREMENT_MALFORMED')
    expect(code(() => measurementFromJson({ ...measurementToJson(signed), extra: 1 }))).toBe('MEASUREMENT_MALFORMED')
    expect(code(() => measurementFromJson({ ...measurementToJson(signed), round: -1 }))).toBe('MEASUREMENT_MALFORMED')
    expect(code(() => measurementFromJson({ ...measurementToJson(signed), statusCode: 200.5 }))).toBe('MEASUREMENT_MALFORMED')
    expect(code(() => measurementFromJson({ ...measurementToJson(signed), signature: 'zz' }))).toBe('MEASUREMENT_MALFORMED')
    // one key, one id: the upper-case spelling of a station id is not another station
    expect(code(() => measurementFromJson({ ...measurementToJson(signed), stationId: signed.stationId.toUpperCase() }))).toBe(
      'MEASUREMENT_MALFORMED',
    )
    // never sign what peers would refuse for its size
    expect(code(() => signMeasurement(okMeasurement(ctx, key, ctx.tasks[0]!, { providerAddress: '€'.repeat(500) }), key))).toBe(
      'MEASUREMENT_MALFORMED',
    )
  })

  it('fuzzed bytes never crash the decoder: they decode or fail with MEASUREMENT_MALFORMED', () => {
    const valid = encodeSignedMeasurement(signed)
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
            const copy = new Uint8Array(valid)
            copy[i] = b
            return copy
          }),
        ),
        (bytes) => {
          try {
            decodeSignedMeasurement(bytes)
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError)
            expect((err as ProtocolError).code).toBe('MEASUREMENT_MALFORMED')
          }
        },
      ),
      { numRuns: 2000 },
    )
  })
})

describe('CID text', () => {
  it('is exactly what multiformats prints, for any content (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const cid = cidOfDagCbor(bytes)
        expect(cidText(cid)).toBe(cid.toString())
        expect(dagCborCidText(bytes)).toBe(cid.toString())
      }),
      { numRuns: 300 },
    )
    expect(cidText(measurementCid(signed))).toBe(measurementCid(signed).toString())
  })
})

describe('CID from text', () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'

  /** What CID.parse makes of the text: its bytes, or that it throws. */
  const parsed = (parse: (text: string) => CID, text: string) => {
    try {
      return parse(text).bytes
    } catch {
      return 'throws'
    }
  }

  it("is CID.parse's CID for a CID's text, and refuses what CID.parse refuses (property)", () => {
    const edited = fc
      .tuple(fc.uint8Array({ maxLength: 60 }), fc.nat(80), fc.constantFrom('', 'a', '7', '=', 'A', 'é', '1', 'Q'), fc.nat(3))
      .map(([bytes, at, insert, cut]) => {
        const text = cidOfDagCbor(bytes).toString()
        const i = at % (text.length + 1)
        return text.slice(0, i) + insert + text.slice(i + cut)
      })
    const texts = fc.oneof(
      fc.uint8Array({ maxLength: 100 }).map((bytes) => cidOfDagCbor(bytes).toString()),
      edited,
      fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 70 }).map((t) => `b${t}`),
    )
    fc.assert(
      fc.property(texts, (text) => {
        expect(parsed(cidFromText, text)).toEqual(parsed(CID.parse, text))
      }),
      { numRuns: 2000 },
    )
    // a CID of 36 bytes is 58 characters, the last with 2 bits to spare: set, they are not that CID
    const text = cidOfDagCbor(new Uint8Array(3)).toString()
    const last = alphabet[alphabet.indexOf(text.at(-1) as string) | 3] as string
    expect(() => CID.parse(text.slice(0, -1) + last)).toThrow()
    expect(() => cidFromText(text.slice(0, -1) + last)).toThrow()
    // a version-0 CID's bytes in base32 text: CID.parse refuses the multibase prefix
    const v0 = CID.parse('QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n')
    expect(() => cidFromText(base32.encode(v0.bytes))).toThrow(/Version 0/)
  })
})

describe('measurement signature', () => {
  it('verifies for the signer', () => {
    expect(verifyMeasurementSignature(signed)).toBe(true)
  })

  it('rejects any changed byte of the signed encoding (property)', () => {
    const bytes = encodeSignedMeasurement(signed)
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const copy = new Uint8Array(bytes)
        copy[i] = ((copy[i] as number) + delta) & 0xff
        let m: ReturnType<typeof decodeSignedMeasurement>
        try {
          m = decodeSignedMeasurement(copy)
        } catch {
          return // not a measurement any more: rejected
        }
        expect(verifyMeasurementSignature(m)).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })

  it('does not verify when replayed in another round, network or version', () => {
    expect(verifyMeasurementSignature({ ...signed, round: signed.round + 1 })).toBe(false)
    expect(verifyMeasurementSignature({ ...signed, network: 'mainnet' })).toBe(false)
    expect(verifyMeasurementSignature({ ...signed, protocolVersion: 2 })).toBe(false)
  })

  it('does not verify under another station id', () => {
    expect(verifyMeasurementSignature({ ...signed, stationId: testStation(2).stationId })).toBe(false)
    expect(verifyMeasurementSignature({ ...signed, stationId: '0'.repeat(88) })).toBe(false)
  })

  it('refuses to sign for another station', () => {
    expect(() => signMeasurement(okMeasurement(ctx, key, ctx.tasks[0]!), testStation(3))).toThrow(/another station/)
  })
})
