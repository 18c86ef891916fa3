import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { type ContentBlock, encodeCar, type OutsideWorld, randomBytes, rawBlock, startOutsideWorld } from '@spark-swarm/devnet'
import { type CheckOutcome, createRetrievalChecker, createStaticMinerResolver, type RetrievalCheckerInit } from '@spark-swarm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The bounds a provider cannot push a node past (issue 7, resource safety): checks in flight,
// bytes read, time spent, bandwidth. Each provider here is a small server on 127.0.0.1 announced
// in the devnet's fake IPNI, built to attack one bound and to count what it got away with.

let world: OutsideWorld
let providerId: string
const servers: Server[] = []
const sockets = new Set<Socket>()

beforeAll(async () => {
  // the devnet gives the IPNI and a provider identity the fakes below borrow
  world = await startOutsideWorld({
    seed: 'retrieval limits',
    blocksPerProvider: 1,
    providers: [{ minerId: 'f08000', profile: { kind: 'healthy' } }],
  })
  providerId = world.providers[0]!.peerId
}, 30_000)

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  await world?.stop()
})

/** Starts `server` on loopback, announces it in the IPNI for a fresh block, returns the task to check. */
async function announced(server: Server, seed: string, block?: ContentBlock) {
  servers.push(server)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const content = block ?? (await rawBlock(randomBytes(seed, 256)))
  world.ipni.announce(content.cid, {
    peerId: providerId,
    addrs: [`/ip4/127.0.0.1/tcp/${port}/http`],
    protocol: 'http',
    contextId: new TextEncoder().encode(seed),
  })
  return { block: content, task: { cid: content.cid.toString(), minerId: 'f08001', providerId } }
}

function checkerWith(init: RetrievalCheckerInit) {
  return createRetrievalChecker(
    { headTimeoutMs: 300, ipni: { retries: 0 }, ...init },
    { minerResolver: createStaticMinerResolver(world.catalogue.entries), indexerUrl: world.ipniUrl },
  )
}

const fieldsOf = (outcome: CheckOutcome) => {
  if (outcome.kind !== 'measurement') throw new Error(`no measurement: ${outcome.reason}`)
  return outcome.fields
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })
}

describe('retrieval limits against hostile providers', () => {
  it('no more checks reach a slow provider at once than the configured concurrency, however many are asked for', async () => {
    const LIMIT = 3
    let inFlight = 0
    let peak = 0
    let served = 0
    let car: Uint8Array = new Uint8Array()
    const { block, task } = await announced(
      createHttpServer(async (req: IncomingMessage, res: ServerResponse) => {
        peak = Math.max(peak, ++inFlight)
        res.once('close', () => inFlight--)
        await sleep(150)
        served++
        res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' })
        res.end(req.method === 'HEAD' ? undefined : car)
      }),
      'limits concurrency',
    )
    car = await encodeCar([block.cid], [block])
    const checker = checkerWith({ concurrency: LIMIT, idleTimeoutMs: 2_000, hardTimeoutMs: 5_000 })
    const outcomes = await Promise.all(Array.from({ length: 24 }, () => checker.check(task)))
    expect(outcomes.map((o) => fieldsOf(o).retrievalResult)).toEqual(Array(24).fill('OK'))
    // GET and HEAD of 24 checks, never more than LIMIT at once, and the limit was reached
    expect(served).toBe(48)
    expect(peak).toBe(LIMIT)
  })

  it('an endless body is cut at the CAR size limit: CAR_TOO_LARGE, and the provider could push only a bounded number of bytes', async () => {
    const MAX_BYTES = 1024 * 1024
    let written = 0
    let closedAfterMs = Number.NaN
    const fill = new Uint8Array(64 * 1024).fill(0x5a)
    const { block, task } = await announced(
      createHttpServer(async (req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' })
        if (req.method === 'HEAD') return void res.end()
        const began = performance.now()
        let closed = false
        res.once('close', () => {
          closed = true
          closedAfterMs = performance.now() - began
        })
        res.write(header)
        // as fast as the client takes it, forever
        while (!closed) {
          written += fill.length
          if (!res.write(fill)) await drainedOrClosed(res)
        }
      }),
      'limits endless',
    )
    const header = await encodeCar([block.cid], [])
    const checker = checkerWith({ maxBytes: MAX_BYTES, idleTimeoutMs: 2_000, hardTimeoutMs: 10_000 })
    const began = performance.now()
    const f = fieldsOf(await checker.check(task))
    const elapsed = performance.now() - began
    await sleep(50)
    console.log(
      `endless body: ${f.byteLength} bytes read, ${written} bytes written by the provider, cut after ${closedAfterMs.toFixed(0)} ms`,
    )
    expect(f.retrievalResult).toBe('CAR_TOO_LARGE')
    expect(f.carTooLarge).toBe(true)
    // read: the limit and at most one more chunk
    expect(f.byteLength!).toBeGreaterThan(MAX_BYTES)
    expect(f.byteLength!).toBeLessThanOrEqual(MAX_BYTES + 256 * 1024)
    // the connection was closed, not drained: beyond the limit only what socket buffers hold got out
    expect(Number.isFinite(closedAfterMs)).toBe(true)
    expect(written).toBeLessThan(MAX_BYTES + 16 * 1024 * 1024)
    expect(elapsed).toBeLessThan(5_000)
  })

  it('a slow-loris body (a byte now and then, always within the no-progress limit) is cut by the hard limit: TIMEOUT', async () => {
    const HARD_MS = 1_000
    const { task } = await announced(
      createHttpServer((req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' })
        if (req.method === 'HEAD') return void res.end()
        const drip = setInterval(() => res.write(new Uint8Array([0xa2])), 50)
        res.once('close', () => clearInterval(drip))
      }),
      'limits slow loris body',
    )
    const f = fieldsOf(await checkerWith({ idleTimeoutMs: 300, hardTimeoutMs: HARD_MS }).check(task))
    expect(f.retrievalResult).toBe('TIMEOUT')
    expect(f.firstByteAt).not.toBeNull()
    expect(f.endAt! - f.startAt!).toBeGreaterThanOrEqual(HARD_MS - 20)
    expect(f.endAt! - f.startAt!).toBeLessThan(HARD_MS + 500)
  })

  it('slow-loris headers (a header line now and then) are cut by the no-progress limit: TIMEOUT', async () => {
    const IDLE_MS = 300
    const { task } = await announced(
      createTcpServer((socket) => {
        socket.on('error', () => {})
        socket.write('HTTP/1.1 200 OK\r\n')
        const drip = setInterval(() => socket.write('x-slow: 1\r\n'), 50)
        socket.once('close', () => clearInterval(drip))
      }),
      'limits slow loris headers',
    )
    const f = fieldsOf(await checkerWith({ idleTimeoutMs: IDLE_MS, hardTimeoutMs: 5_000 }).check(task))
    expect(f.retrievalResult).toBe('TIMEOUT')
    expect(f.firstByteAt).toBeNull()
    expect(f.endAt! - f.startAt!).toBeGreaterThanOrEqual(IDLE_MS - 20)
    expect(f.endAt! - f.startAt!).toBeLessThan(IDLE_MS + 500)
  })

  it("the node's bandwidth limit paces a download and its waiting never becomes the provider's TIMEOUT", async () => {
    const RATE = 1024 * 1024
    const block = await rawBlock(randomBytes('limits bandwidth', 768 * 1024))
    const car = await encodeCar([block.cid], [block])
    const { task } = await announced(
      createHttpServer((req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' })
        res.end(req.method === 'HEAD' ? undefined : car)
      }),
      'limits bandwidth',
      block,
    )
    // the whole download takes ~0.7 s at this rate, well past the hard limit of the provider's own time
    const checker = checkerWith({ idleTimeoutMs: 200, hardTimeoutMs: 300, bandwidth: { bytesPerSecond: RATE, burstBytes: 64 * 1024 } })
    const f = fieldsOf(await checker.check(task))
    expect(f.retrievalResult).toBe('OK')
    expect(f.byteLength).toBe(car.length)
    expect(f.endAt! - f.startAt!).toBeGreaterThanOrEqual(((car.length - 64 * 1024) / RATE) * 1000 - 50)
  })
})
