import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  catalogueCid,
  countsTowardRsr,
  deriveRoundSeeds,
  describeResult,
  devnet,
  getPreset,
  isVersionAtLeast,
  localBeaconRandomness,
  mainnet,
  ProtocolError,
  paramsDigest,
  parseTaskId,
  presets,
  retrievalResultOf,
  roundAt,
  roundStartTime,
  SeededStream,
  sampleRoundTasks,
  sha256,
  taskId,
  toHex,
  validateCatalogue,
  validateParams,
  wilsonInterval,
} from '../src/index.js'

describe('params', () => {
  it('presets are valid and have distinct digests', () => {
    const digests = Object.values(presets).map((p) => paramsDigest(validateParams(p)))
    expect(new Set(digests).size).toBe(digests.length)
    expect(digests[0]).toMatch(/^[0-9a-f]{64}$/)
  })
  it('digest changes with any parameter and is stable otherwise', () => {
    expect(paramsDigest({ ...devnet })).toBe(paramsDigest(devnet))
    expect(paramsDigest({ ...devnet, maxTasksPerNode: 5 })).not.toBe(paramsDigest(devnet))
  })
  it('rejects bad values naming the key', () => {
    expect(() => validateParams({ ...devnet, maxTasksPerNode: -1 })).toThrow(/params\.maxTasksPerNode/)
    expect(() => validateParams({ ...devnet, network: 'Bad Name' })).toThrow(/params\.network/)
    expect(() => validateParams({ ...devnet, minCheckerVersion: 'latest' })).toThrow(/params\.minCheckerVersion/)
    expect(() => getPreset('nope')).toThrow(/use one of mainnet, devnet, spark-compat/)
    // a typo must not silently produce another network (another digest)
    expect(() => validateParams({ ...devnet, maxTaskPerNode: 3 } as typeof devnet)).toThrow(
      /params\.maxTaskPerNode is not a protocol parameter/,
    )
  })
  it('maps time to rounds', () => {
    expect(roundAt(mainnet, mainnet.genesisTime)).toBe(0)
    expect(roundAt(mainnet, roundStartTime(mainnet, 42) + mainnet.roundDurationMs - 1)).toBe(42)
    expect(roundStartTime(mainnet, 1) - roundStartTime(mainnet, 0)).toBe(20 * 60_000)
  })
})

describe('versions', () => {
  it('compares semver for the gate', () => {
    expect(isVersionAtLeast('1.2.3', '1.2.3')).toBe(true)
    expect(isVersionAtLeast('1.10.0', '1.9.9')).toBe(true)
    expect(isVersionAtLeast('1.2.3-rc.1', '1.2.3')).toBe(false)
    expect(isVersionAtLeast('garbage', '0.0.1')).toBe(false)
  })
})

describe('local randomness', () => {
  const genesis = 'aa'.repeat(32)
  // spec §2.3, computed here with node:crypto rather than the protocol's own hashing
  const specBeacon = (n: number): string => {
    const round = Buffer.alloc(8)
    round.writeBigUInt64BE(BigInt(n))
    const hash = createHash('sha256')
    hash.update('spark-swarm/v1/local-beacon')
    hash.update(Buffer.from([0]))
    hash.update(round)
    hash.update(Buffer.from(genesis, 'hex'))
    return hash.digest('hex')
  }
  it('is the genesis seed at round 0 and the spec hash of (n, genesis seed) after', () => {
    expect(localBeaconRandomness(genesis, 0)).toBe(genesis)
    for (const n of [1, 2, 5, 6, 1000, 700_000]) expect(localBeaconRandomness(genesis, n)).toBe(specBeacon(n))
    expect(localBeaconRandomness(genesis, 5)).not.toBe(localBeaconRandomness(genesis, 6))
  })
  it('costs one hash whatever the round: round 2^50 at once', () => {
    const started = performance.now()
    expect(localBeaconRandomness(genesis, 2 ** 50)).toBe(specBeacon(2 ** 50))
    // the old chain took about 2.5 µs a link: 2^50 links would be decades
    expect(performance.now() - started).toBeLessThan(1000)
  })
  it('refuses a round that is not a non-negative safe integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => localBeaconRandomness(genesis, bad)).toThrow(expect.objectContaining({ code: 'ROUND_INVALID' }))
    }
  })
  it('derives a distinct seed per purpose', () => {
    const seeds = deriveRoundSeeds(3, localBeaconRandomness(genesis, 3))
    const values = [seeds.randomness, seeds.tasks, seeds.nodeSelection, seeds.inetGroupOrder, seeds.anchors]
    expect(new Set(values).size).toBe(values.length)
  })
})

describe('seeded stream', () => {
  it('draws integers in range, reproducibly', () => {
    const a = new SeededStream('01'.repeat(32))
    const b = new SeededStream('01'.repeat(32))
    for (let i = 0; i < 1000; i++) {
      const x = a.nextInt(7)
      expect(x).toBe(b.nextInt(7))
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThan(7)
    }
  })
  it('is unbiased: a chi-square test over 70,000 draws of [0, 7)', () => {
    const s = new SeededStream('02'.repeat(32))
    const counts = new Array(7).fill(0)
    for (let i = 0; i < 70_000; i++) counts[s.nextInt(7)]++
    const chi2 = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0)
    // 6 degrees of freedom: p = 0.001 at 22.46
    expect(chi2).toBeLessThan(22.46)
  })
})

describe('catalogue and round tasks', () => {
  const catalogue = { entries: Array.from({ length: 50 }, (_, i) => ({ cid: `bafy${i}`, minerId: `f0${i % 5}` })) }
  const seeds = deriveRoundSeeds(1, 'ab'.repeat(32))

  it('reads a task id back into the task it names, and refuses text that is not one', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^f0[0-9]{1,8}$/), (cid, minerId) => {
        expect(parseTaskId(taskId({ cid, minerId }))).toEqual({ cid, minerId })
      }),
    )
    expect(taskId({ cid: 'bafyA', minerId: 'f01' })).toBe('bafyA::f01')
    expect(() => parseTaskId('bafyA-f01')).toThrow(/not a task id/)
  })

  it('samples tasksPerRound distinct entries, the same on every node', () => {
    const tasks = sampleRoundTasks(catalogue, seeds, 12)
    expect(tasks).toHaveLength(12)
    expect(new Set(tasks.map((t) => t.cid)).size).toBe(12)
    expect(sampleRoundTasks({ entries: [...catalogue.entries] }, seeds, 12)).toEqual(tasks)
    expect(sampleRoundTasks(catalogue, deriveRoundSeeds(2, 'cd'.repeat(32)), 12)).not.toEqual(tasks)
  })
  it('returns the whole catalogue when it is smaller than a round', () => {
    expect(sampleRoundTasks(catalogue, seeds, 500)).toHaveLength(50)
  })
  it('gives every entry the same chance over many rounds', () => {
    const hits = new Map<string, number>()
    for (let r = 0; r < 2000; r++) {
      for (const t of sampleRoundTasks(catalogue, deriveRoundSeeds(r, toHex(sha256(`round ${r}`))), 10)) {
        hits.set(t.cid, (hits.get(t.cid) ?? 0) + 1)
      }
    }
    // expected 400 per entry; allow ±25 %
    for (const n of hits.values()) expect(Math.abs(n - 400)).toBeLessThan(100)
    expect(hits.size).toBe(50)
  })
  it('has a content address that depends on the entries only', async () => {
    const a = await catalogueCid(catalogue)
    expect((await catalogueCid({ entries: catalogue.entries.map((e) => ({ ...e })) })).equals(a)).toBe(true)
    expect((await catalogueCid({ entries: catalogue.entries.slice(1) })).equals(a)).toBe(false)
  })
  it('rejects duplicates and empty fields, naming the entry', () => {
    expect(() =>
      validateCatalogue({
        entries: [
          { cid: 'a', minerId: 'f1' },
          { cid: 'a', minerId: 'f1' },
        ],
      }),
    ).toThrow(/entries\[1\] repeats/)
    expect(() => validateCatalogue({ entries: [{ cid: '', minerId: 'f1' }] })).toThrow(ProtocolError)
    expect(() => validateCatalogue({ entries: [] })).toThrow(/non-empty/)
  })
})

describe("result codes (Spark's result-code table)", () => {
  it('flags what counts toward RSR', () => {
    for (const code of [
      'OK',
      'TIMEOUT',
      'CAR_TOO_LARGE',
      'UNSUPPORTED_MULTIADDR_FORMAT',
      'HOSTNAME_DNS_ERROR',
      'CONNECTION_REFUSED',
      'UNKNOWN_FETCH_ERROR',
      'UNSUPPORTED_CID_HASH_ALGO',
      'CONTENT_VERIFICATION_FAILED',
      'UNEXPECTED_CAR_BLOCK',
      'CANNOT_PARSE_CAR_FILE',
      'IPNI_NO_VALID_ADVERTISEMENT',
      'IPNI_ERROR_FETCH',
      'IPNI_ERROR_404',
      'HTTP_502',
      'LASSIE_504',
      'UNKNOWN_ERROR',
    ]) {
      expect([code, countsTowardRsr(code)]).toEqual([code, true])
    }
    for (const code of [
      'RPC_FAILURE',
      'IPNI_NOT_QUERIED',
      'COMMITTEE_CHECK_ERROR',
      'PUBLISH_FAILURE',
      'IPNI_ERROR_500',
      'IPNI_ERROR_503',
      'COMMITTEE_TOO_SMALL',
      'MAJORITY_NOT_FOUND',
    ]) {
      expect([code, countsTowardRsr(code)]).toEqual([code, false])
    }
    expect(describeResult('HTTP_404')?.description).toMatch(/404/)
    // Spark's exclusion is the pattern ^IPNI_ERROR_5\d\d$, not the number
    expect(countsTowardRsr('IPNI_ERROR_0503')).toBe(true)
  })
  it("maps status codes like Spark's evaluator", () => {
    const base = { indexerResult: 'OK', timeout: false, carTooLarge: false, statusCode: 200, protocol: 'http', endAt: 5 }
    expect(retrievalResultOf(base)).toBe('OK')
    expect(retrievalResultOf({ ...base, indexerResult: 'ERROR_FETCH' })).toBe('IPNI_ERROR_FETCH')
    expect(retrievalResultOf({ ...base, timeout: true })).toBe('TIMEOUT')
    expect(retrievalResultOf({ ...base, statusCode: 704 })).toBe('UNSUPPORTED_MULTIADDR_FORMAT')
    expect(retrievalResultOf({ ...base, statusCode: 902 })).toBe('CONTENT_VERIFICATION_FAILED')
    expect(retrievalResultOf({ ...base, statusCode: 503 })).toBe('HTTP_503')
    expect(retrievalResultOf({ ...base, statusCode: 503, protocol: 'graphsync' })).toBe('LASSIE_503')
    expect(retrievalResultOf({ ...base, endAt: null })).toBe('UNKNOWN_ERROR')
    expect(retrievalResultOf({ ...base, statusCode: null })).toBe('UNKNOWN_ERROR')
    // a checker that reports no IPNI answer is not held against the provider
    expect(retrievalResultOf({ ...base, indexerResult: null })).toBe('IPNI_NOT_QUERIED')
    expect(countsTowardRsr(retrievalResultOf({ ...base, indexerResult: null }))).toBe(false)
  })
})

describe('Wilson interval', () => {
  it('matches known values', () => {
    const i = wilsonInterval(8, 10)!
    expect(i.lower).toBeCloseTo(0.4902, 4)
    expect(i.upper).toBeCloseTo(0.9433, 4)
    expect(wilsonInterval(0, 10)!.lower).toBe(0)
    expect(wilsonInterval(10, 10)!.upper).toBe(1)
    expect(wilsonInterval(0, 0)).toBeNull()
  })
  it('always contains the estimate (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const k = Math.round(n * share)
        const i = wilsonInterval(k, n)!
        expect(i.lower).toBeLessThanOrEqual(k / n + 1e-12)
        expect(i.upper).toBeGreaterThanOrEqual(k / n - 1e-12)
      }),
    )
  })
})
