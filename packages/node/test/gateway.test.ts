import { STATUS } from '@spark-swarm/protocol'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { carChecksum, fetchFromGateway, type GatewayFetchOptions, retrievalUrl, TokenBucket } from '../src/index.js'
import { makeCar, rawBlock, type TestBlock } from './helpers/car.js'
import { closedPort, type Handler, type LocalServer, startServer } from './helpers/local-server.js'

let block: TestBlock
let car: Uint8Array
let cid: string
beforeAll(async () => {
  block = await rawBlock('x'.repeat(4096))
  car = await makeCar([block.cid], [block])
  cid = block.cid.toString()
})

let server: LocalServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Serves `car` to GET and 200 to HEAD, unless `get` answers the GET itself. */
async function gateway(get?: Handler): Promise<LocalServer> {
  server = await startServer((req, res, body) => {
    if (req.method === 'HEAD') return res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' }).end()
    if (get) return get(req, res, body)
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.car' }).end(car)
  })
  return server
}

const fetchCid = (address: string, options: Partial<GatewayFetchOptions> = {}) => fetchFromGateway({ address, cid, ...options })

/** Writes `bytes` in pieces of `size` every `everyMs`, stopping when the client goes away. */
function trickle(bytes: Uint8Array, size: number, everyMs: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.car' })
    let offset = 0
    const timer = setInterval(() => {
      if (offset >= bytes.length) offset = 0 // endless: the limits must stop it
      res.write(bytes.subarray(offset, offset + size))
      offset += size
    }, everyMs)
    res.on('close', () => clearInterval(timer))
  }
}

describe('fetchFromGateway', () => {
  it('retrieves, verifies and checksums a CAR, then probes HEAD', async () => {
    const { multiaddr, requests } = await gateway()
    const before = Date.now()
    const { fields, steps } = await fetchCid(multiaddr)
    expect(fields).toMatchObject({
      statusCode: 200,
      headStatusCode: 200,
      timeout: false,
      carTooLarge: false,
      byteLength: car.length,
      carChecksum: carChecksum(car),
    })
    expect(fields.startAt).toBeGreaterThanOrEqual(before)
    expect(fields.firstByteAt).toBeGreaterThanOrEqual(fields.startAt as number)
    expect(fields.endAt).toBeGreaterThanOrEqual(fields.firstByteAt as number)
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ['retrieval', true],
      ['verification', true],
      ['head', true],
    ])
    expect(requests.map((r) => [r.method, r.url, r.headers.accept])).toEqual([
      ['GET', `/ipfs/${cid}?dag-scope=block`, 'application/vnd.ipld.car'],
      ['HEAD', `/ipfs/${cid}?dag-scope=block`, 'application/vnd.ipld.raw'],
    ])
  })

  it('builds the URL from the multiaddr', () => {
    expect(retrievalUrl('/dns/frisbii.fly.dev/tcp/443/https', cid)).toBe(`https://frisbii.fly.dev/ipfs/${cid}?dag-scope=block`)
  })

  it('keeps an HTTP error status and reads no body', async () => {
    const { multiaddr } = await gateway((_req, res) => res.writeHead(503).end('overloaded'))
    const { fields } = await fetchCid(multiaddr)
    expect(fields).toMatchObject({
      statusCode: 503,
      headStatusCode: 200,
      timeout: false,
      byteLength: 0,
      carChecksum: null,
      firstByteAt: null,
    })
    expect(fields.endAt).not.toBeNull()
  })

  it('maps a bad CAR to its 90x code, replacing the 200', async () => {
    const other = await rawBlock('other')
    const { multiaddr } = await gateway((_req, res) => res.writeHead(200).end(Buffer.from('not a car at all')))
    expect((await fetchCid(multiaddr)).fields).toMatchObject({ statusCode: STATUS.CANNOT_PARSE_CAR_FILE, carChecksum: null })
    await server?.close()
    const wrong = await makeCar([block.cid], [block, other])
    const second = await gateway((_req, res) => res.writeHead(200).end(wrong))
    const { fields, steps } = await fetchCid(second.multiaddr)
    expect(fields).toMatchObject({ statusCode: STATUS.UNEXPECTED_CAR_BLOCK, byteLength: wrong.length, carChecksum: null })
    expect(steps.find((s) => s.step === 'verification')?.ok).toBe(false)
  })

  it('fails a 2xx without a body as an unparseable CAR, not as OK', async () => {
    const { multiaddr } = await gateway((_req, res) => res.writeHead(204).end())
    expect((await fetchCid(multiaddr)).fields).toMatchObject({ statusCode: STATUS.CANNOT_PARSE_CAR_FILE, byteLength: 0 })
  })

  it('times out when the first byte is slow (no-progress limit)', async () => {
    const { multiaddr } = await gateway(() => {}) // accepts, never answers
    const began = Date.now()
    const { fields } = await fetchCid(multiaddr, { idleTimeoutMs: 150 })
    expect(Date.now() - began).toBeLessThan(1_000)
    expect(fields).toMatchObject({ timeout: true, statusCode: STATUS.UNKNOWN_FETCH_ERROR, firstByteAt: null, headStatusCode: 200 })
  })

  it('times out when the body stalls midway, within the idle limit', async () => {
    const { multiaddr } = await gateway((_req, res) => {
      res.writeHead(200)
      res.write(car.subarray(0, 100)) // then nothing more
    })
    const began = Date.now()
    const { fields } = await fetchCid(multiaddr, { idleTimeoutMs: 200 })
    const elapsed = Date.now() - began
    expect(elapsed).toBeGreaterThanOrEqual(190)
    expect(elapsed).toBeLessThan(1_000)
    // a 200 followed by a failure is replaced by the failure's code, as Spark does
    expect(fields).toMatchObject({ timeout: true, statusCode: STATUS.UNKNOWN_FETCH_ERROR, byteLength: 100, carChecksum: null })
    expect(fields.firstByteAt).not.toBeNull()
  })

  it('stops a body that trickles forever at the hard limit', async () => {
    const { multiaddr } = await gateway(trickle(car, 10, 10))
    const began = Date.now()
    const { fields } = await fetchCid(multiaddr, { idleTimeoutMs: 200, hardTimeoutMs: 400 })
    const elapsed = Date.now() - began
    expect(elapsed).toBeGreaterThanOrEqual(390)
    expect(elapsed).toBeLessThan(1_500)
    expect(fields.timeout).toBe(true)
    expect(fields.byteLength).toBeGreaterThan(0)
  })

  it('stops reading past maxBytes: carTooLarge, no verification, no checksum', async () => {
    const { multiaddr } = await gateway(trickle(car, 1024, 1))
    const { fields, steps } = await fetchCid(multiaddr, { maxBytes: 2_000 })
    expect(fields).toMatchObject({ carTooLarge: true, timeout: false, statusCode: 200, carChecksum: null })
    expect(fields.byteLength).toBeGreaterThan(2_000)
    expect(steps.map((s) => s.step)).toEqual(['retrieval', 'head'])
  })

  it('reports a refused connection as 802, for GET and HEAD', async () => {
    const { fields } = await fetchCid(`/ip4/127.0.0.1/tcp/${await closedPort()}/http`)
    expect(fields).toMatchObject({ statusCode: STATUS.CONNECTION_REFUSED, headStatusCode: STATUS.CONNECTION_REFUSED, timeout: false })
    expect(fields.endAt).not.toBeNull()
  })

  it('reports a host name that does not resolve as 801', async () => {
    // .invalid never resolves (RFC 6761): the resolver answers NXDOMAIN without asking the network
    const { fields } = await fetchCid('/dns/no-such-host.invalid/tcp/80/http', { idleTimeoutMs: 5_000, headTimeoutMs: 5_000 })
    expect(fields).toMatchObject({ statusCode: STATUS.HOSTNAME_DNS_ERROR, headStatusCode: STATUS.HOSTNAME_DNS_ERROR })
  })

  it('counts a TCP connect that timed out (undici: 10 s) as a TIMEOUT, as Spark saw it', async () => {
    const connectTimeout = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })
    const fetch = async () => {
      throw new TypeError('fetch failed', { cause: connectTimeout })
    }
    const { fields } = await fetchCid('/ip4/192.0.2.1/tcp/80/http', { fetch })
    expect(fields).toMatchObject({ timeout: true, statusCode: STATUS.UNKNOWN_FETCH_ERROR, headStatusCode: STATUS.UNKNOWN_FETCH_ERROR })
  })

  it('reports an unusable multiaddr as its 70x code without any request', async () => {
    const { fields } = await fetchCid('/ip4/127.0.0.1/udp/9/quic-v1')
    expect(fields).toMatchObject({ statusCode: STATUS.UNSUPPORTED_MULTIADDR_PROTO, headStatusCode: STATUS.UNSUPPORTED_MULTIADDR_PROTO })
    expect(fields.startAt).not.toBeNull()
    expect(fields.endAt).not.toBeNull()
  })

  it('gives the HEAD probe its own time limit', async () => {
    server = await startServer((req, res) => {
      if (req.method === 'GET') res.writeHead(200).end(car) // HEAD never answers
    })
    const began = Date.now()
    const { fields } = await fetchCid(server.multiaddr, { headTimeoutMs: 100 })
    expect(Date.now() - began).toBeLessThan(1_000)
    expect(fields).toMatchObject({ statusCode: 200, headStatusCode: STATUS.UNKNOWN_FETCH_ERROR, timeout: false })
  })

  it("does not count the node's own bandwidth limit as the provider's lack of progress", async () => {
    const { multiaddr } = await gateway()
    const bandwidth = new TokenBucket({ bytesPerSecond: 10_000, burstBytes: 1_000 })
    const began = Date.now()
    const { fields } = await fetchCid(multiaddr, { bandwidth, idleTimeoutMs: 100, hardTimeoutMs: 200 })
    // ~4.2 KB at 10 KB/s after a 1 KB burst: over 300 ms of waiting, longer than both limits
    expect(Date.now() - began).toBeGreaterThanOrEqual(300)
    expect(fields).toMatchObject({ statusCode: 200, timeout: false, carChecksum: carChecksum(car) })
  })

  it('rejects, with no measurement, when the caller aborts', async () => {
    const { multiaddr } = await gateway(() => {})
    const controller = new AbortController()
    const pending = fetchCid(multiaddr, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('node stopping')), 50)
    await expect(pending).rejects.toThrow('node stopping')
  })
})
