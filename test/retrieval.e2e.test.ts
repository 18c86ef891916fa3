import { createHash } from 'node:crypto'
import { generateUnsupportedHashBlock, type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import {
  type BitswapFetcher,
  type CheckOutcome,
  createBitswapFetcher,
  createRetrievalChecker,
  createRpcMinerResolver,
  type RetrievalChecker,
} from '@spark-swarm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// A checker against the devnet's outside world: real HTTP, real CARs, real bitswap over libp2p, on
// 127.0.0.1. Timeouts are shortened (idle 800 ms, hard 3 s) so that slow and stalled providers
// finish quickly; the rules are the production ones.
const IDLE_MS = 800
const HARD_MS = 3_000
const MAX_BYTES = 1024 * 1024

let world: OutsideWorld
let bitswap: BitswapFetcher
let checker: RetrievalChecker
const blake3 = generateUnsupportedHashBlock({ seed: 'e2e blake3' })

const PROFILES = {
  f01000: { kind: 'healthy' },
  f01001: { kind: 'flaky', failShare: 1, status: 502 },
  f01002: { kind: 'slow-first-byte', delayMs: 400 },
  f01003: { kind: 'stall-mid-body', afterBytes: 20 },
  f01004: { kind: 'wrong-bytes' },
  f01005: { kind: 'extra-blocks' },
  f01006: { kind: 'truncated-car' },
  f01007: { kind: 'garbage-car' },
  f01008: { kind: 'http-5xx', status: 503 },
  f01009: { kind: 'refuse' },
  f01010: { kind: 'oversized', bytes: 3 * MAX_BYTES },
  f01011: { kind: 'empty-car' },
  f01012: { kind: 'slow-first-byte', delayMs: 2 * IDLE_MS },
} as const

beforeAll(async () => {
  world = await startOutsideWorld({
    seed: 'retrieval e2e',
    blocksPerProvider: 1,
    providers: [
      ...Object.entries(PROFILES).map(([minerId, profile]) => ({ minerId, profile })),
      // bitswap only, graphsync only, nothing announced, and a block whose hash we cannot check
      { minerId: 'f02000', profile: { kind: 'healthy' }, protocols: { http: false, bitswap: true } },
      { minerId: 'f02001', profile: { kind: 'healthy' }, protocols: { http: false, bitswap: false, graphsync: true } },
      { minerId: 'f02002', profile: { kind: 'healthy' }, protocols: { http: false, bitswap: false } },
      { minerId: 'f02003', profile: { kind: 'healthy' }, extraBlocks: [blake3] },
    ],
  })
  bitswap = await createBitswapFetcher()
  checker = createRetrievalChecker(
    {
      idleTimeoutMs: IDLE_MS,
      hardTimeoutMs: HARD_MS,
      headTimeoutMs: 1_000,
      maxBytes: MAX_BYTES,
      concurrency: 4,
      ipni: { retries: 1, minBackoffMs: 10, maxBackoffMs: 20 },
    },
    {
      minerResolver: createRpcMinerResolver({
        rpcUrl: world.rpcUrl,
        retries: 1,
        minBackoffMs: 10,
        maxBackoffMs: 20,
        totalTimeoutMs: 3_000,
      }),
      indexerUrl: world.ipniUrl,
      bitswap,
    },
  )
}, 30_000)

afterAll(async () => {
  await bitswap?.stop()
  await world?.stop()
})

const blockOf = (minerId: string) => {
  const block = world.blocks.find((b) => b.minerId === minerId && b !== undefined)
  if (!block) throw new Error(`no block for ${minerId}`)
  return block
}
const providerOf = (minerId: string) => world.providers.find((p) => p.minerId === minerId)!
/** A check through the chain lookup (no providerId in the task), as for a catalogue without peer ids. */
const check = (minerId: string, cid = blockOf(minerId).cid.toString()) => checker.check({ cid, minerId })
const fieldsOf = (outcome: CheckOutcome) => {
  expect(outcome.kind).toBe('measurement')
  if (outcome.kind !== 'measurement') throw new Error('no measurement')
  return outcome.fields
}

describe('retrieval check against misbehaving providers', () => {
  it('healthy: OK, the checksum of the bytes served, a consistent timeline and the HEAD probe', async () => {
    const cid = blockOf('f01000').cid.toString()
    const f = fieldsOf(await check('f01000'))
    expect(f.retrievalResult).toBe('OK')
    expect(f.protocol).toBe('http')
    expect(f.providerId).toBe(providerOf('f01000').peerId)
    expect(f.statusCode).toBe(200)
    expect(f.headStatusCode).toBe(200)
    // the checksum is SHA-256 of the whole response, as fetched independently here
    const res = await fetch(`${providerOf('f01000').gatewayUrl}/ipfs/${cid}?dag-scope=block`, {
      headers: { accept: 'application/vnd.ipld.car' },
    })
    const car = new Uint8Array(await res.arrayBuffer())
    expect(f.byteLength).toBe(car.length)
    expect(f.carChecksum).toBe(`1220${createHash('sha256').update(car).digest('hex')}`)
    expect(f.startAt).not.toBeNull()
    expect(f.startAt!).toBeLessThanOrEqual(f.firstByteAt!)
    expect(f.firstByteAt!).toBeLessThanOrEqual(f.endAt!)
  })

  it('every honest checker gets the same answer (what committees vote on)', async () => {
    const [a, b] = [fieldsOf(await check('f01000')), fieldsOf(await check('f01000'))]
    expect([b.retrievalResult, b.byteLength, b.carChecksum, b.providerAddress]).toEqual([
      a.retrievalResult,
      a.byteLength,
      a.carChecksum,
      a.providerAddress,
    ])
  })

  it('slow first byte within the no-progress limit: OK, and the time to first byte shows it', async () => {
    const f = fieldsOf(await check('f01002'))
    expect(f.retrievalResult).toBe('OK')
    expect(f.firstByteAt! - f.startAt!).toBeGreaterThanOrEqual(PROFILES.f01002.delayMs - 20)
  })

  it('first byte later than the no-progress limit: TIMEOUT after about that limit', async () => {
    const f = fieldsOf(await check('f01012'))
    expect(f.retrievalResult).toBe('TIMEOUT')
    expect(f.timeout).toBe(true)
    expect(f.endAt! - f.startAt!).toBeGreaterThanOrEqual(IDLE_MS - 20)
    expect(f.endAt! - f.startAt!).toBeLessThan(IDLE_MS + 700)
  })

  it('a provider that stalls mid-body costs no more than the no-progress limit: TIMEOUT', async () => {
    const f = fieldsOf(await check('f01003'))
    expect(f.retrievalResult).toBe('TIMEOUT')
    expect(f.firstByteAt).not.toBeNull()
    expect(f.endAt! - f.startAt!).toBeLessThan(IDLE_MS + 700)
  })

  it.each([
    ['f01001', 'HTTP_502'],
    ['f01004', 'CONTENT_VERIFICATION_FAILED'],
    ['f01005', 'UNEXPECTED_CAR_BLOCK'],
    ['f01006', 'CANNOT_PARSE_CAR_FILE'],
    ['f01007', 'CANNOT_PARSE_CAR_FILE'],
    ['f01008', 'HTTP_503'],
    ['f01009', 'CONNECTION_REFUSED'],
    ['f01010', 'CAR_TOO_LARGE'],
    ['f01011', 'UNEXPECTED_CAR_BLOCK'],
  ])('%s → %s', async (minerId, expected) => {
    const f = fieldsOf(await check(minerId))
    expect(f.retrievalResult).toBe(expected)
    expect(f.indexerResult).toBe('OK')
    // no checksum is reported for content that did not verify
    expect(f.carChecksum).toBeNull()
  })

  it('oversized: stops reading at the cap', async () => {
    const f = fieldsOf(await check('f01010'))
    expect(f.carTooLarge).toBe(true)
    expect(f.byteLength!).toBeGreaterThan(MAX_BYTES)
    expect(f.byteLength!).toBeLessThan(2 * MAX_BYTES)
  })

  it('a CID hashed with a function we cannot verify: UNSUPPORTED_CID_HASH_ALGO', async () => {
    expect(fieldsOf(await check('f02003', blake3.cid.toString())).retrievalResult).toBe('UNSUPPORTED_CID_HASH_ALGO')
  })

  it('bitswap only: the root block over libp2p, verified, OK', async () => {
    const f = fieldsOf(await check('f02000'))
    expect(f.protocol).toBe('bitswap')
    expect(f.retrievalResult).toBe('OK')
    expect(f.byteLength).toBe(blockOf('f02000').bytes.length)
    expect(f.carChecksum).toBe(`1220${createHash('sha256').update(blockOf('f02000').bytes).digest('hex')}`)
  })

  it('graphsync only: HTTP_NOT_ADVERTISED, no retrieval, UNKNOWN_ERROR', async () => {
    const f = fieldsOf(await check('f02001'))
    expect(f.indexerResult).toBe('HTTP_NOT_ADVERTISED')
    expect(f.protocol).toBe('graphsync')
    expect(f.retrievalResult).toBe('UNKNOWN_ERROR')
  })

  it('IPNI knows nothing of the CID: IPNI_ERROR_404; knows it from someone else: IPNI_NO_VALID_ADVERTISEMENT', async () => {
    expect(fieldsOf(await check('f02002')).retrievalResult).toBe('IPNI_ERROR_404')
    expect(fieldsOf(await check('f02002', blockOf('f01000').cid.toString())).retrievalResult).toBe('IPNI_NO_VALID_ADVERTISEMENT')
  })

  it('advertised addresses that do not work: HOSTNAME_DNS_ERROR, UNSUPPORTED_MULTIADDR_FORMAT, UNKNOWN_FETCH_ERROR', async () => {
    const sp = providerOf('f02002')
    const cid = blockOf('f02002').cid
    const port = providerOf('f01000').httpMultiaddr.split('/')[4]
    const cases: Array<[string, string]> = [
      ['/dns/no-such-host.invalid/tcp/80/http', 'HOSTNAME_DNS_ERROR'],
      ['/ip4/127.0.0.1/udp/80/http', 'UNSUPPORTED_MULTIADDR_FORMAT'],
      // TLS spoken to a plain HTTP port: a failure we have no better name for
      [`/ip4/127.0.0.1/tcp/${port}/https`, 'UNKNOWN_FETCH_ERROR'],
    ]
    for (const [address, expected] of cases) {
      world.ipni.announce(cid, { peerId: sp.peerId, addrs: [address], protocol: 'http' })
      const f = fieldsOf(await check('f02002'))
      expect([address, f.retrievalResult]).toEqual([address, expected])
    }
  })

  it('IPNI failing: IPNI_ERROR_503 (not counted against the provider) and IPNI_ERROR_FETCH', async () => {
    await world.ipni.setMode({ kind: 'error', status: 503 })
    try {
      expect(fieldsOf(await check('f01000')).retrievalResult).toBe('IPNI_ERROR_503')
    } finally {
      await world.ipni.setMode({ kind: 'normal' })
    }
    await world.ipni.setMode({ kind: 'malformed' })
    try {
      expect(fieldsOf(await check('f01000')).retrievalResult).toBe('IPNI_ERROR_FETCH')
    } finally {
      await world.ipni.setMode({ kind: 'normal' })
    }
  })

  it('the chain RPC down: no measurement, RPC_FAILURE counted', async () => {
    const before = checker.counts.RPC_FAILURE ?? 0
    await world.chainRpc.setMode({ kind: 'down' })
    try {
      const outcome = await check('f01000')
      expect(outcome.kind).toBe('no-measurement')
      expect(outcome.kind === 'no-measurement' && outcome.reason).toBe('RPC_FAILURE')
    } finally {
      await world.chainRpc.setMode({ kind: 'normal' })
    }
    expect(checker.counts.RPC_FAILURE).toBe(before + 1)
  })
})
