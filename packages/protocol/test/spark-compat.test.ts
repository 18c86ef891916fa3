import { describe, expect, it } from 'vitest'
import { evaluateCommittee, pickTasksForStation } from '../src/index.js'
import {
  ethAddressFromDelegated,
  evaluateSparkRound,
  getSparkRetrievalResult,
  isEthAddress,
  preprocessSparkMeasurement,
  type SparkMeasurement,
  toChecksumAddress,
} from '../src/spark-compat/index.js'

const STATION = `88${'0'.repeat(86)}`

/** A valid line in Spark's published format. */
function line(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    participant_address: '0x000000000000000000000000000000000000dEaD',
    station_id: STATION,
    inet_group: 'some-group-id',
    finished_at: '2023-11-01T09:00:10.000Z',
    cid: 'QmUuEoBdjC8D1PfWZCc7JCSK8nj7TV6HbXWDHYHzZHCVGS',
    miner_id: 'f1test',
    provider_id: 'PROVIDERID',
    provider_address: '/dns4/example/tcp/443/https',
    protocol: 'http',
    indexer_result: 'OK',
    status_code: 200,
    head_status_code: 200,
    timeout: false,
    car_too_large: false,
    byte_length: 1024,
    car_checksum: 'some-car-checksum',
    start_at: '2023-11-01T09:00:00.000Z',
    first_byte_at: '2023-11-01T09:00:01.000Z',
    end_at: '2023-11-01T09:00:02.000Z',
    spark_version: '1.10.4',
    ...overrides,
  }
}

const pre = (o: Record<string, unknown> = {}) => preprocessSparkMeasurement(line(o), o.id ?? 1)
const dropReason = (o: Record<string, unknown>) => {
  try {
    pre(o)
    return 'kept'
  } catch (err) {
    return (err as Error).message
  }
}

describe('getRetrievalResult (Spark order of rules)', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{}, 'OK'],
    [{ status_code: 206 }, 'OK'],
    [{ indexer_result: 'HTTP_NOT_ADVERTISED', protocol: 'graphsync' }, 'OK'],
    [{ indexer_result: 'NO_VALID_ADVERTISEMENT', timeout: true }, 'IPNI_NO_VALID_ADVERTISEMENT'],
    [{ indexer_result: 'ERROR_404' }, 'IPNI_ERROR_404'],
    [{ indexer_result: 'ERROR_FETCH' }, 'IPNI_ERROR_FETCH'],
    [{ timeout: true, car_too_large: true }, 'TIMEOUT'],
    [{ car_too_large: true, status_code: 901 }, 'CAR_TOO_LARGE'],
    [{ status_code: 701 }, 'UNSUPPORTED_MULTIADDR_FORMAT'],
    [{ status_code: 799 }, 'UNSUPPORTED_MULTIADDR_FORMAT'],
    [{ status_code: 600 }, 'UNKNOWN_FETCH_ERROR'],
    [{ status_code: 801 }, 'HOSTNAME_DNS_ERROR'],
    [{ status_code: 802 }, 'CONNECTION_REFUSED'],
    [{ status_code: 901 }, 'UNSUPPORTED_CID_HASH_ALGO'],
    [{ status_code: 902 }, 'CONTENT_VERIFICATION_FAILED'],
    [{ status_code: 903 }, 'UNEXPECTED_CAR_BLOCK'],
    [{ status_code: 904 }, 'CANNOT_PARSE_CAR_FILE'],
    [{ status_code: 502 }, 'HTTP_502'],
    [{ status_code: 502, protocol: 'graphsync' }, 'LASSIE_502'],
    // the raw protocol is compared, before lowercasing: "HTTP" is not "http"
    [{ status_code: 404, protocol: 'HTTP' }, 'LASSIE_404'],
    [{ status_code: 199 }, 'UNKNOWN_ERROR'],
    [{ status_code: null }, 'UNKNOWN_ERROR'],
    // OK needs end_at as a string, as published
    [{ end_at: 1698829202000 }, 'UNKNOWN_ERROR'],
  ]
  for (const [o, expected] of cases) {
    it(`${JSON.stringify(o)} → ${expected}`, () => expect(getSparkRetrievalResult(line(o))).toBe(expected))
  }
})

describe('preprocess drops what Spark dropped', () => {
  it('keeps a valid measurement and lowercases protocol', () => {
    expect(pre({ protocol: 'HTTP' }).protocol).toBe('http')
  })
  it.each([
    [{ participant_address: '0x000000000000000000000000000000000000DEad' }, 'valid participant address required'],
    [{ participant_address: '0x123' }, 'valid participant address required'],
    [{ participant_address: 'f1abc' }, 'Invalid participant address f1abc: not an f4 delegated address'],
    [{ inet_group: undefined }, 'valid inet group required'],
    [{ finished_at: 'not a date' }, 'field `finished_at` must be set to a number'],
    [{ indexer_result: undefined }, 'field `indexerResult` must be set'],
    [{ station_id: 'abc' }, 'stationId must be a hex string with 88 characters'],
    [{ start_at: undefined }, 'field `start_at` must be a number greater than 0'],
    [{ first_byte_at: '2023-11-01T08:59:00.000Z' }, 'first_byte_at must be greater than or equal to start_at'],
    [{ end_at: '2023-11-01T08:00:00.000Z' }, 'end_at must be greater than or equal to start_at'],
    [{ head_status_code: null }, '`head_status_code` must be a number'],
    [{ protocol: 'bitswap' }, '`head_status_code` must be undefined or null for non-HTTP retrievals'],
  ])('%j → %s', (o, reason) => {
    expect(dropReason(o)).toBe(reason)
  })
  it('does not check timings of failed retrievals', () => {
    expect(dropReason({ status_code: 502, start_at: undefined, head_status_code: null })).toBe('kept')
  })
  it('drops a line without station_id instead of failing the round (our documented deviation)', () => {
    expect(dropReason({ station_id: undefined })).toMatch(/station_id/)
  })
})

describe('participant addresses', () => {
  it('checks EIP-55 checksums of mixed-case addresses', () => {
    expect(toChecksumAddress('0x52908400098527886e0f7030069857d2e4169ee7')).toBe('0x52908400098527886E0F7030069857D2E4169EE7')
    expect(toChecksumAddress('0xde709f2102306220921060314715629080e2fb77')).toBe('0xde709f2102306220921060314715629080e2fb77')
    expect(toChecksumAddress('0x27b1fdb04752bbc536007a920d24acb045561c26')).toBe('0x27b1fdb04752bbc536007a920d24acb045561c26')
    expect(toChecksumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')
    expect(isEthAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(true)
    expect(isEthAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false)
    expect(isEthAddress('0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED')).toBe(true)
  })
  it('converts f410 delegated addresses', () => {
    expect(ethAddressFromDelegated('f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa')).toBe('0x52963EF50e27e06D72D59fcB4F3c2a687BE3cfEf')
    expect(() => ethAddressFromDelegated('f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zbmxa')).toThrow(/checksum/)
  })
})

describe("Spark's fraud detection", () => {
  // spark-evaluate test/evaluate.js "picks different inet-group member to reward for each task"
  it('picks a different inet-group member per task by the hash of finished_at', () => {
    const tasks = [
      { cid: 'cid1', minerId: 'f1first' },
      { cid: 'cid2', minerId: 'f1first' },
      { cid: 'cid1', minerId: 'f1second' },
      { cid: 'cid2', minerId: 'f1second' },
    ]
    const times: Record<string, Record<string, string>> = {
      pa1: { cid1: '2023-11-01T09:00:01.000Z', cid2: '2023-11-01T09:00:21.000Z' },
      pa2: { cid1: '2023-11-01T09:00:04.000Z', cid2: '2023-11-01T09:00:22.000Z' },
    }
    const ms = Object.keys(times).flatMap((pa) =>
      tasks.map((t) => pre({ id: pa, cid: t.cid, miner_id: t.minerId, finished_at: times[pa]?.[t.cid] })),
    )
    const result = evaluateSparkRound({ roundIndex: 1, randomness: 'ab'.repeat(32), maxTasksPerNode: 15, tasks }, ms, {
      requiredCommitteeSize: 1,
    })
    expect(result.measurements.map((m) => `${m.id}::${m.taskingEvaluation}`)).toEqual([
      'pa1::OK',
      'pa1::DUP_INET_GROUP',
      'pa1::OK',
      'pa1::DUP_INET_GROUP',
      'pa2::DUP_INET_GROUP',
      'pa2::OK',
      'pa2::DUP_INET_GROUP',
      'pa2::OK',
    ])
  })

  it('labels tasks outside the round, of other nodes, and beyond K per inet group', () => {
    const tasks = [
      { cid: 'a', minerId: 'f01' },
      { cid: 'b', minerId: 'f01' },
      { cid: 'c', minerId: 'f01' },
    ]
    const round = { roundIndex: 1, randomness: 'ab'.repeat(32), maxTasksPerNode: 1, tasks }
    // two stations that were assigned different tasks (K = 1)
    const stations = Array.from({ length: 16 }, (_, i) => i.toString(16).repeat(88))
    const first = stations[0] as string
    const taskOf = (station: string) => pickTasksForStation(tasks, station, round.randomness, 1)[0] as { cid: string }
    const second = stations.find((s) => taskOf(s).cid !== taskOf(first).cid) as string
    const other = tasks.find((t) => t.cid !== taskOf(first).cid && t.cid !== taskOf(second).cid) as { cid: string }
    const ms = [
      pre({ id: 1, station_id: first, cid: taskOf(first).cid, miner_id: 'f01', finished_at: '2024-01-01T00:00:01.000Z' }),
      pre({ id: 2, station_id: second, cid: taskOf(second).cid, miner_id: 'f01', finished_at: '2024-01-01T00:00:02.000Z' }),
      pre({ id: 3, station_id: first, cid: other.cid, miner_id: 'f01' }),
      pre({ id: 4, station_id: first, cid: 'zzz', miner_id: 'f01' }),
    ]
    const r = evaluateSparkRound(round, ms, { requiredCommitteeSize: 1 })
    const labels = r.measurements.map((m) => m.taskingEvaluation)
    // one inet group, K = 1: whichever of the first two sorts first by finished_at hash wins
    expect(labels.slice(0, 2).sort()).toEqual(['OK', 'TOO_MANY_TASKS'])
    expect(labels.slice(2)).toEqual(['TASK_WRONG_NODE', 'TASK_NOT_IN_ROUND'])
  })

  it('counts minority results per request but leaves IPNI outages out', () => {
    const tasks = [{ cid: 'a', minerId: 'f01' }]
    const ms = [
      pre({ id: 1, cid: 'a', miner_id: 'f01', inet_group: 'g1' }),
      pre({ id: 2, cid: 'a', miner_id: 'f01', inet_group: 'g2' }),
      pre({ id: 3, cid: 'a', miner_id: 'f01', inet_group: 'g3', status_code: 502, head_status_code: null }),
      pre({ id: 4, cid: 'a', miner_id: 'f01', inet_group: 'g4', indexer_result: 'ERROR_503' }),
    ]
    const r = evaluateSparkRound({ roundIndex: 1, randomness: 'ab'.repeat(32), maxTasksPerNode: 1, tasks }, ms, {
      requiredCommitteeSize: 3,
    })
    expect(r.committees).toEqual([
      {
        cid: 'a',
        minerId: 'f01',
        size: 4,
        // three of four agree on the index answer; no result has more than two
        indexMajorityFound: true,
        indexerResult: 'OK',
        retrievalMajorityFound: false,
        retrievalResult: 'MAJORITY_NOT_FOUND',
      },
    ])
    expect(r.providers).toEqual({ f01: { total: 3, successful: 2, successfulHttp: 2, successfulHttpHead: 2 } })
  })
})

describe("Spark's committee examples (spark-evaluate test/committee.test.js)", () => {
  const fields = {
    indexKey: (m: Partial<SparkMeasurement>) => JSON.stringify([m.providerId, m.indexerResult]),
    retrievalKey: (m: Partial<SparkMeasurement>) => JSON.stringify([m.providerId, m.indexerResult, m.retrievalResult]),
    indexerResult: (m: Partial<SparkMeasurement>) => String(m.indexerResult),
    retrievalResult: (m: Partial<SparkMeasurement>) => String(m.retrievalResult),
  }
  const m = (o: Partial<SparkMeasurement>) => ({ providerId: 'p', indexerResult: 'OK', retrievalResult: 'OK', ...o })

  it('OK, OK, CONTENT_VERIFICATION_FAILED → OK with one minority', () => {
    const r = evaluateCommittee([m({}), m({}), m({ retrievalResult: 'CONTENT_VERIFICATION_FAILED' })], 2, fields)
    expect(r.decision).toEqual({ indexMajorityFound: true, indexerResult: 'OK', retrievalMajorityFound: true, retrievalResult: 'OK' })
    expect(r.labels).toEqual(['MAJORITY_RESULT', 'MAJORITY_RESULT', 'MINORITY_RESULT'])
  })
  it('three different provider ids → no majority at all', () => {
    const r = evaluateCommittee([m({ providerId: 'a' }), m({ providerId: 'b' }), m({ providerId: 'c' })], 2, fields)
    expect(r.decision).toEqual({
      indexMajorityFound: false,
      indexerResult: 'MAJORITY_NOT_FOUND',
      retrievalMajorityFound: false,
      retrievalResult: 'MAJORITY_NOT_FOUND',
    })
    expect(r.labels).toEqual(['MAJORITY_NOT_FOUND', 'MAJORITY_NOT_FOUND', 'MAJORITY_NOT_FOUND'])
  })
  it('OK / ERROR_404 / HTTP_NOT_ADVERTISED → no majority', () => {
    const r = evaluateCommittee(
      [m({ indexerResult: 'OK' }), m({ indexerResult: 'ERROR_404' }), m({ indexerResult: 'HTTP_NOT_ADVERTISED' })],
      2,
      fields,
    )
    expect(r.decision.indexMajorityFound).toBe(false)
    expect(r.decision.retrievalResult).toBe('MAJORITY_NOT_FOUND')
  })
  it('a tie is no majority', () => {
    const r = evaluateCommittee([m({}), m({}), m({ retrievalResult: 'TIMEOUT' }), m({ retrievalResult: 'TIMEOUT' })], 1, fields)
    expect(r.decision.retrievalMajorityFound).toBe(false)
  })
  it('one measurement with a required size of 10 → COMMITTEE_TOO_SMALL', () => {
    const r = evaluateCommittee([m({})], 10, fields)
    expect(r.decision).toEqual({
      indexMajorityFound: false,
      indexerResult: 'COMMITTEE_TOO_SMALL',
      retrievalMajorityFound: false,
      retrievalResult: 'COMMITTEE_TOO_SMALL',
    })
    expect(r.labels).toEqual(['COMMITTEE_TOO_SMALL'])
  })
})
