import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ParticipantMemo, preprocessSparkMeasurement } from '../src/spark-compat/index.js'

const STATION = `88${'0'.repeat(86)}`

/**
 * Participant strings of every kind Spark's rules tell apart: EIP-55 right and wrong, lower and
 * upper case, f410f valid and with a broken checksum, other namespaces, garbage, and non-strings.
 */
const participant = fc.oneof(
  fc.constantFrom(
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
    '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
    '0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED',
    'f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa',
    'f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zbmxa',
    't410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa',
    'f411fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa',
    'f1abcdefghijklmnop',
    '0x1234',
    '',
  ),
  fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: 40, maxLength: 40 }).map((digits) => `0x${digits.join('')}`),
  fc.string(),
  fc.constantFrom(null, undefined, 42, ['0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed']),
)

const line = (participantAddress: unknown, ok: boolean) => ({
  participant_address: participantAddress,
  station_id: STATION,
  inet_group: 'group',
  finished_at: '2023-11-01T09:00:10.000Z',
  cid: 'QmUuEoBdjC8D1PfWZCc7JCSK8nj7TV6HbXWDHYHzZHCVGS',
  miner_id: 'f01000',
  protocol: 'http',
  indexer_result: 'OK',
  status_code: ok ? 200 : 502,
  head_status_code: 200,
  start_at: '2023-11-01T09:00:00.000Z',
  first_byte_at: '2023-11-01T09:00:01.000Z',
  end_at: '2023-11-01T09:00:02.000Z',
})

/** What preprocessing gives a line: the measurement, or the reason it is dropped. */
function outcome(run: () => unknown): unknown {
  try {
    return { measurement: run() }
  } catch (err) {
    return { dropped: (err as Error).message, name: (err as Error).name }
  }
}

describe('one address computation per distinct participant string', () => {
  it('gives every line of a round the result (or drop reason) the plain path gives it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(participant, fc.boolean()), { minLength: 1, maxLength: 60 }), (lines) => {
        // one memo for the whole round: repeated strings are answered from it
        const memo: ParticipantMemo = new Map()
        for (const [i, [address, ok]] of lines.entries()) {
          const plain = outcome(() => preprocessSparkMeasurement(line(address, ok), i))
          const memoised = outcome(() => preprocessSparkMeasurement(line(address, ok), i, undefined, memo))
          expect(memoised).toEqual(plain)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('computes each distinct string once', () => {
    const memo: ParticipantMemo = new Map()
    for (let i = 0; i < 1_000; i++) {
      const address = i % 2 ? 'f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa' : '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
      preprocessSparkMeasurement(line(address, true), i, undefined, memo)
    }
    expect([...memo.keys()].sort()).toEqual(['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa'])
    expect(memo.get('f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa')).toEqual({
      address: '0x52963EF50e27e06D72D59fcB4F3c2a687BE3cfEf',
      valid: true,
    })
  })
})
