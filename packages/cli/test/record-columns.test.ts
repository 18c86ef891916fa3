import type { SignedMeasurement } from '@spark-swarm/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { columnBuffers, RecordColumnsReader, RecordColumnsWriter } from '../src/round-threads/record-columns.js'

// few distinct values, as in a round, and any text; integers of every size, -0 included
const text = fc.oneof(
  fc.constantFrom('f01000', 'OK', '203.0.113.0/24'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
)
const nullableText = fc.option(text, { nil: null })
const integer = fc.oneof(fc.constantFrom(0, -0, 2 ** 32, Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: 2 ** 40 }))
const nullableInteger = fc.option(integer, { nil: null })
const version1 = fc.record({
  protocolVersion: fc.constant(1),
  network: text,
  round: integer,
  task: fc.record({ cid: text, minerId: text }),
  stationId: text,
  inetGroup: text,
  checkerVersion: text,
  indexerResult: nullableText,
  protocol: nullableText,
  providerId: nullableText,
  providerAddress: nullableText,
  statusCode: nullableInteger,
  headStatusCode: nullableInteger,
  timeout: fc.boolean(),
  carTooLarge: fc.boolean(),
  byteLength: nullableInteger,
  carChecksum: nullableText,
  startAt: nullableInteger,
  firstByteAt: nullableInteger,
  endAt: nullableInteger,
  retrievalResult: text,
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
})
const binding = fc.record({
  participant: text,
  bindingFromRound: integer,
  bindingSignature: fc.uint8Array({ minLength: 65, maxLength: 65 }),
})
const measurement: fc.Arbitrary<SignedMeasurement> = fc.oneof(
  version1,
  fc.tuple(version1, binding).map(([m, b]) => ({ ...m, protocolVersion: 2, ...b })),
)
const record = fc.record({ cid: fc.string({ minLength: 1, maxLength: 60 }), measurement, valid: fc.boolean() })

/** What the main thread gets: the batches as `postMessage` delivers them, their buffers moved. */
function sent(writer: RecordColumnsWriter, reader: RecordColumnsReader): void {
  const batch = writer.take()
  reader.add(structuredClone(batch, { transfer: columnBuffers(batch) }))
}

describe('records as columns between threads', () => {
  it('gives back every record as it was pushed, in order, without its signature (property)', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (records, batch) => {
        const writer = new RecordColumnsWriter(batch)
        const reader = new RecordColumnsReader()
        for (const r of records) {
          writer.push(r.cid, r.measurement, r.valid)
          if (writer.length === batch) sent(writer, reader)
        }
        if (writer.length > 0) sent(writer, reader)
        expect(reader.length).toBe(records.length)
        const rebuilt = [...reader.records()]
        expect(rebuilt).toEqual(
          records.map((r) => ({ cid: r.cid, measurement: { ...r.measurement, signature: new Uint8Array(0) }, signatureValid: r.valid })),
        )
        // -0 stays -0: the encoding of a measurement is not that of 0
        expect(rebuilt.map((r) => Object.is(r.measurement.round, -0))).toEqual(records.map((r) => Object.is(r.measurement.round, -0)))
        // version 1 has no binding keys at all, not even undefined ones
        expect(rebuilt.map((r) => 'participant' in r.measurement)).toEqual(records.map((r) => r.measurement.protocolVersion === 2))
      }),
      { numRuns: 300 },
    )
  })

  it('sends each distinct string once per thread, however many records repeat it', () => {
    const writer = new RecordColumnsWriter(4)
    const reader = new RecordColumnsReader()
    const m = (station: string): SignedMeasurement => ({
      protocolVersion: 1,
      network: 'mainnet',
      round: 7,
      task: { cid: 'bafy', minerId: 'f01000' },
      stationId: station,
      inetGroup: '203.0.113.0/24',
      checkerVersion: '0.1.0',
      indexerResult: 'OK',
      protocol: 'http',
      providerId: null,
      providerAddress: null,
      statusCode: 200,
      headStatusCode: null,
      timeout: false,
      carTooLarge: false,
      byteLength: null,
      carChecksum: null,
      startAt: null,
      firstByteAt: null,
      endAt: null,
      retrievalResult: 'OK',
      signature: new Uint8Array(64),
    })
    for (let i = 0; i < 4; i++) writer.push(`cid${i}`, m('s1'), true)
    const first = writer.take()
    writer.push('cid4', m('s2'), true)
    writer.push('cid5', m('s1'), true)
    const second = writer.take()
    // mainnet, bafy, f01000, s1, the group, 0.1.0, OK (twice), http: 8 strings; then s2 alone
    expect(first.strings).toHaveLength(8)
    expect(second.strings).toEqual(['s2'])
    reader.add(first)
    reader.add(second)
    expect([...reader.records()].map((r) => r.measurement.stationId)).toEqual(['s1', 's1', 's1', 's1', 's2', 's1'])
  })

  it('refuses a record past a full batch instead of dropping it', () => {
    const writer = new RecordColumnsWriter(1)
    const [one] = fc.sample(measurement, { numRuns: 1, seed: 1 })
    writer.push('a', one as SignedMeasurement, true)
    expect(() => writer.push('b', one as SignedMeasurement, true)).toThrow(/full batch/)
  })
})
