import { validateMeasurementShape } from '@spark-swarm/protocol'
import { varint } from 'multiformats'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type BitswapFetch,
  type CheckOutcome,
  carChecksum,
  createRetrievalChecker,
  createStaticMinerResolver,
  type MeasurementFields,
  type MinerResolver,
  type RetrievalCheckerComponents,
  RetrievalError,
} from '../src/index.js'
import { makeCar, rawBlock, type TestBlock } from './helpers/car.js'
import { type LocalServer, startServer } from './helpers/local-server.js'

const PEER = '12D3KooWC8gXxg9LoJ9h3hy3jzBkEAxamyHEQJKtRmAuBuvoMzpr'
const MINER = 'f01234'

function metadata(code: number): string {
  const bytes = new Uint8Array(varint.encodingLength(code))
  varint.encodeTo(code, bytes)
  return Buffer.from(bytes).toString('base64')
}

let block: TestBlock
let car: Uint8Array
let cid: string
beforeAll(async () => {
  block = await rawBlock('spark swarm check')
  car = await makeCar([block.cid], [block])
  cid = block.cid.toString()
})

const servers: LocalServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A gateway serving `car`, and an indexer advertising `records` ([transport code, address]). */
async function world(records: (gatewayAddr: string) => Array<[number, string]>, gatewayStatus = 200) {
  const gateway = await startServer((req, res) => {
    if (req.method === 'HEAD') return res.writeHead(gatewayStatus).end()
    if (gatewayStatus !== 200) return res.writeHead(gatewayStatus).end('nope')
    res.writeHead(200).end(car)
  })
  const indexer = await startServer((_req, res) => {
    const ProviderResults = records(gateway.multiaddr).map(([code, addr]) => ({
      Metadata: metadata(code),
      Provider: { ID: PEER, Addrs: [addr] },
    }))
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MultihashResults: [{ ProviderResults }] }))
  })
  servers.push(gateway, indexer)
  return { gateway, indexer }
}

function checker(components: Partial<RetrievalCheckerComponents> & { indexerUrl: string }, clock = () => 1_700_000_000_000) {
  return createRetrievalChecker(
    { idleTimeoutMs: 2_000, hardTimeoutMs: 3_000, ipni: { minBackoffMs: 5 } },
    { minerResolver: createStaticMinerResolver({ [MINER]: PEER }), clock, ...components },
  )
}

/** The outcome's fields, after checking that peers would accept them in a measurement. */
function measured(outcome: CheckOutcome): MeasurementFields {
  if (outcome.kind !== 'measurement') throw new Error(`no measurement: ${outcome.detail}`)
  validateMeasurementShape(
    {
      protocolVersion: 1,
      network: 'test',
      round: 1,
      task: { cid, minerId: MINER },
      stationId: `302a300506032b6570032100${'ab'.repeat(32)}`,
      inetGroup: '127.0.0.0/24',
      checkerVersion: 'test',
      ...outcome.fields,
    },
    false,
  )
  return outcome.fields
}

describe('createRetrievalChecker', () => {
  it('checks over http: peer id → IPNI → gateway → OK', async () => {
    const { indexer, gateway } = await world((addr) => [[0x0920, addr]])
    const outcome = await checker({ indexerUrl: indexer.url }, Date.now).check({ cid, minerId: MINER })
    expect(measured(outcome)).toMatchObject({
      indexerResult: 'OK',
      protocol: 'http',
      providerId: PEER,
      providerAddress: gateway.multiaddr,
      statusCode: 200,
      headStatusCode: 200,
      timeout: false,
      carTooLarge: false,
      byteLength: car.length,
      carChecksum: carChecksum(car),
      retrievalResult: 'OK',
    })
    expect(outcome.steps.map((s) => [s.step, s.ok])).toEqual([
      ['provider-lookup', true],
      ['ipni', true],
      ['retrieval', true],
      ['verification', true],
      ['head', true],
    ])
  })

  it('uses the catalogue providerId without asking the resolver', async () => {
    const { indexer } = await world((addr) => [[0x0920, addr]])
    const unreachable: MinerResolver = {
      resolve: async () => {
        throw new Error('must not be called')
      },
    }
    const outcome = await checker({ indexerUrl: indexer.url, minerResolver: unreachable }).check({ cid, minerId: 'f09', providerId: PEER })
    expect(measured(outcome).retrievalResult).toBe('OK')
    expect(outcome.steps[0]?.detail).toContain('catalogue')
  })

  it('records the provider status as HTTP_<n>', async () => {
    const { indexer } = await world((addr) => [[0x0920, addr]], 502)
    const fields = measured(await checker({ indexerUrl: indexer.url }).check({ cid, minerId: MINER }))
    expect(fields).toMatchObject({ statusCode: 502, headStatusCode: 502, retrievalResult: 'HTTP_502' })
  })

  it('attempts no retrieval when IPNI has no advertisement: IPNI_NO_VALID_ADVERTISEMENT, nulls', async () => {
    const { indexer, gateway } = await world(() => [])
    const fields = measured(await checker({ indexerUrl: indexer.url }).check({ cid, minerId: MINER }))
    expect(fields).toEqual({
      indexerResult: 'NO_VALID_ADVERTISEMENT',
      protocol: null,
      providerId: PEER,
      providerAddress: null,
      statusCode: null,
      headStatusCode: null,
      timeout: false,
      carTooLarge: false,
      byteLength: null,
      carChecksum: null,
      startAt: null,
      firstByteAt: null,
      endAt: null,
      retrievalResult: 'IPNI_NO_VALID_ADVERTISEMENT',
    })
    expect(gateway.requests).toHaveLength(0)
  })

  it('reports an IPNI error status as IPNI_ERROR_<n>', async () => {
    const indexer = await startServer((_req, res) => res.writeHead(404).end())
    servers.push(indexer)
    const fields = measured(await checker({ indexerUrl: indexer.url }).check({ cid, minerId: MINER }))
    expect(fields).toMatchObject({ indexerResult: 'ERROR_404', retrievalResult: 'IPNI_ERROR_404', statusCode: null })
  })

  it('gives no measurement when the peer id cannot be found (RPC_FAILURE), and counts it', async () => {
    const { indexer } = await world((addr) => [[0x0920, addr]])
    const check = checker({ indexerUrl: indexer.url, minerResolver: createStaticMinerResolver({}) })
    const outcome = await check.check({ cid, minerId: MINER })
    expect(outcome).toMatchObject({ kind: 'no-measurement', reason: 'RPC_FAILURE' })
    expect(outcome.steps).toHaveLength(1)
    expect(indexer.requests).toHaveLength(0)
    const broken: MinerResolver = { resolve: async () => 'not a peer id!' }
    expect((await checker({ indexerUrl: indexer.url, minerResolver: broken }).check({ cid, minerId: MINER })).kind).toBe('no-measurement')
    expect(check.counts).toEqual({ measurement: 0, RPC_FAILURE: 1 })
  })

  it('retrieves over bitswap when IPNI has only bitswap and a fetcher is configured', async () => {
    const { indexer } = await world(() => [[0x0900, '/ip4/127.0.0.1/tcp/4001']])
    const calls: string[] = []
    const bitswap: BitswapFetch = async (address, wanted) => {
      calls.push(`${address} ${wanted}`)
      const result = {
        statusCode: 200,
        timeout: false,
        byteLength: 17,
        carChecksum: '1220ab',
        startAt: 1,
        firstByteAt: 2,
        endAt: 3,
        extra: 'x',
      }
      return result
    }
    const fields = measured(await checker({ indexerUrl: indexer.url, bitswap: { fetch: bitswap } }).check({ cid, minerId: MINER }))
    expect(calls).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER} ${cid}`])
    expect(fields).toMatchObject({
      indexerResult: 'OK',
      protocol: 'bitswap',
      statusCode: 200,
      headStatusCode: null,
      byteLength: 17,
      retrievalResult: 'OK',
    })
  })

  it('maps a throwing bitswap fetcher to a status code', async () => {
    const { indexer } = await world(() => [[0x0900, '/ip4/127.0.0.1/tcp/4001']])
    const bitswap: BitswapFetch = async () => {
      throw new RetrievalError('CONTENT_VERIFICATION_FAILED', 'bad block')
    }
    const fields = measured(await checker({ indexerUrl: indexer.url, bitswap }).check({ cid, minerId: MINER }))
    expect(fields).toMatchObject({ protocol: 'bitswap', statusCode: 902, retrievalResult: 'CONTENT_VERIFICATION_FAILED' })
    expect(fields.endAt).not.toBeNull()
  })

  it('without a bitswap fetcher, ignores bitswap records as Spark does', async () => {
    const { indexer } = await world(() => [[0x0900, '/ip4/127.0.0.1/tcp/4001']])
    expect(measured(await checker({ indexerUrl: indexer.url }).check({ cid, minerId: MINER })).retrievalResult).toBe(
      'IPNI_NO_VALID_ADVERTISEMENT',
    )
  })

  it('records a graphsync-only provider as HTTP_NOT_ADVERTISED with no retrieval (UNKNOWN_ERROR)', async () => {
    const { indexer } = await world(() => [[0x0910, '/ip4/127.0.0.1/tcp/4001']])
    const outcome = await checker({ indexerUrl: indexer.url }).check({ cid, minerId: MINER })
    expect(measured(outcome)).toMatchObject({
      indexerResult: 'HTTP_NOT_ADVERTISED',
      protocol: 'graphsync',
      providerAddress: `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
      statusCode: null,
      retrievalResult: 'UNKNOWN_ERROR',
    })
    expect(outcome.steps.at(-1)).toMatchObject({ step: 'retrieval', ok: false })
  })

  it('runs at most `concurrency` checks at once', async () => {
    let inFlight = 0
    let peak = 0
    const slowResolver: MinerResolver = {
      resolve: async () => {
        peak = Math.max(peak, ++inFlight)
        await new Promise((resolve) => setTimeout(resolve, 20))
        inFlight--
        return PEER
      },
    }
    const { indexer } = await world(() => [])
    const check = createRetrievalChecker({ concurrency: 2 }, { minerResolver: slowResolver, indexerUrl: indexer.url })
    await Promise.all(Array.from({ length: 6 }, () => check.check({ cid, minerId: MINER })))
    expect(peak).toBe(2)
    expect(check.counts.measurement).toBe(6)
  })

  it('rejects when its signal aborts, while waiting or running', async () => {
    const indexer = await startServer(() => {}) // hangs
    servers.push(indexer)
    const check = createRetrievalChecker(
      { concurrency: 1 },
      { minerResolver: createStaticMinerResolver({ [MINER]: PEER }), indexerUrl: indexer.url },
    )
    const controller = new AbortController()
    const running = check.check({ cid, minerId: MINER }, { signal: controller.signal })
    const waiting = check.check({ cid, minerId: MINER }, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stop')), 30)
    await expect(running).rejects.toThrow('stop')
    await expect(waiting).rejects.toThrow('stop')
  })
})
