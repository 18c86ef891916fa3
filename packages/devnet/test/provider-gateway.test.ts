import { CarBlockIterator } from '@ipld/car'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type ContentBlock, type FakeProvider, generateContent, generateUnsupportedHashBlock, startFakeProvider } from '../src/index.js'
import { blockUrl, body, CAR, getCar, hashesTo, RAW, readCar } from './helpers.js'

let blocks: ContentBlock[]
let block: ContentBlock
const started: FakeProvider[] = []

async function provider(profile: Parameters<typeof startFakeProvider>[0]['profile'] = { kind: 'healthy' }): Promise<FakeProvider> {
  const sp = await startFakeProvider({ minerId: 'f01000', profile, blocks })
  started.push(sp)
  return sp
}

beforeAll(async () => {
  blocks = [...(await generateContent({ seed: 'gateway', count: 4 })), generateUnsupportedHashBlock({ seed: 'gateway' })]
  block = blocks[0]!
})
afterEach(async () => {
  await Promise.all(started.splice(0).map((sp) => sp.stop()))
})

describe('fake provider: healthy trustless gateway', () => {
  it('answers a one-block CAR rooted at the CID whose block hashes to it', async () => {
    const sp = await provider()
    expect(sp.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(sp.httpMultiaddr).toBe(`/ip4/127.0.0.1/tcp/${new URL(sp.gatewayUrl).port}/http`)
    for (const b of blocks.slice(0, 4)) {
      const res = await getCar(sp.gatewayUrl, b.cid)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.ipld\.car/)
      const car = await readCar(await body(res))
      expect(car.roots.map(String)).toEqual([b.cid.toString()])
      expect(car.blocks).toHaveLength(1)
      expect(car.blocks[0]!.cid.toString()).toBe(b.cid.toString())
      expect(await hashesTo(b.cid, car.blocks[0]!.bytes)).toBe(true)
    }
    expect(sp.requests.get).toBe(4)
  })

  it('answers raw bytes for Accept raw and ?format=raw, and the CAR for ?format=car', async () => {
    const sp = await provider()
    const viaAccept = await fetch(blockUrl(sp.gatewayUrl, block.cid), { headers: { accept: RAW } })
    expect(viaAccept.headers.get('content-type')).toBe(RAW)
    expect(await body(viaAccept)).toEqual(block.bytes)
    const viaQuery = await fetch(blockUrl(sp.gatewayUrl, block.cid, 'format=raw'))
    expect(await body(viaQuery)).toEqual(block.bytes)
    const car = await fetch(blockUrl(sp.gatewayUrl, block.cid, 'dag-scope=block&format=car'))
    expect((await readCar(await body(car))).blocks).toHaveLength(1)
  })

  it('serves a BLAKE3-addressed block as stored (the checker must flag the hash)', async () => {
    const sp = await provider()
    const b3 = blocks[4]!
    const car = await readCar(await body(await getCar(sp.gatewayUrl, b3.cid)))
    expect(car.blocks[0]!.bytes).toEqual(b3.bytes)
    expect(car.blocks[0]!.cid.multihash.code).toBe(0x1e)
  })

  it('answers HEAD with the headers and no body', async () => {
    const sp = await provider()
    const res = await fetch(blockUrl(sp.gatewayUrl, block.cid), { method: 'HEAD', headers: { accept: RAW } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(RAW)
    expect((await body(res)).length).toBe(0)
    expect(sp.requests.head).toBe(1)
  })

  it('answers 404 for an unknown CID, 400 for a bad path or CID, 406 without an acceptable format', async () => {
    const sp = await provider()
    const unknown = (await generateContent({ seed: 'elsewhere', count: 1 }))[0]!.cid
    expect((await getCar(sp.gatewayUrl, unknown)).status).toBe(404)
    expect((await fetch(blockUrl(sp.gatewayUrl, unknown), { method: 'HEAD', headers: { accept: CAR } })).status).toBe(404)
    expect((await getCar(sp.gatewayUrl, 'not-a-cid')).status).toBe(400)
    expect((await fetch(`${sp.gatewayUrl}/ipns/${block.cid}`, { headers: { accept: CAR } })).status).toBe(400)
    expect((await fetch(`${sp.gatewayUrl}/ipfs/${block.cid}/sub/path`, { headers: { accept: CAR } })).status).toBe(400)
    expect((await fetch(blockUrl(sp.gatewayUrl, block.cid, 'dag-scope=nope'), { headers: { accept: CAR } })).status).toBe(400)
    expect((await fetch(blockUrl(sp.gatewayUrl, block.cid), { headers: { accept: 'text/html' } })).status).toBe(406)
  })

  it('keeps its blocks in the given dataDir and leaves a temp dir nowhere after stop', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'devnet-test-'))
    try {
      const sp = await startFakeProvider({ minerId: 'f01000', blocks, dataDir: dir })
      await sp.stop()
      expect((await readdir(dir)).length).toBeGreaterThan(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('fake provider: profiles over HTTP', () => {
  it('flaky fails an exact, evenly spread share with the given status; HEAD counts apart', async () => {
    const sp = await provider({ kind: 'flaky', failShare: 0.5, status: 504 })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await getCar(sp.gatewayUrl, block.cid)).status)
    expect(statuses).toEqual([200, 504, 200, 504, 200, 504])
    const head = await fetch(blockUrl(sp.gatewayUrl, block.cid), { method: 'HEAD', headers: { accept: CAR } })
    expect(head.status).toBe(200)
    await sp.setProfile({ kind: 'flaky', failShare: 1 })
    expect((await getCar(sp.gatewayUrl, block.cid)).status).toBe(502)
  })

  it('slow-first-byte delays the headers by delayMs', async () => {
    const sp = await provider({ kind: 'slow-first-byte', delayMs: 400 })
    await expect(getCar(sp.gatewayUrl, block.cid, { signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i)
    const t0 = performance.now()
    const res = await getCar(sp.gatewayUrl, block.cid)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(380)
    expect((await readCar(await body(res))).blocks).toHaveLength(1)
  })

  it('stall-mid-body sends the headers and afterBytes bytes, then nothing', async () => {
    const sp = await provider({ kind: 'stall-mid-body', afterBytes: 100 })
    const res = await getCar(sp.gatewayUrl, block.cid, { signal: AbortSignal.timeout(800) })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    let received = 0
    const t0 = performance.now()
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return 'ended'
          received += value.length
        }
      })(),
    ).rejects.toThrow(/abort|timeout/i)
    expect(received).toBe(100)
    expect(performance.now() - t0).toBeLessThan(2_000)
  })

  it('stop() ends a stalled response', async () => {
    const sp = await startFakeProvider({ minerId: 'f01000', profile: { kind: 'stall-mid-body', afterBytes: 10 }, blocks })
    const res = await getCar(sp.gatewayUrl, block.cid, { signal: AbortSignal.timeout(5_000) })
    // Settle into a value at once: the rejection arrives during stop(), before any await could catch it.
    const reading = res.arrayBuffer().then(
      () => 'ended',
      (err: Error) => err,
    )
    await sp.stop()
    expect(await reading).toBeInstanceOf(Error)
  })

  it('wrong-bytes sends a valid CAR whose same-length block does not hash to the CID', async () => {
    const sp = await provider({ kind: 'wrong-bytes' })
    const car = await readCar(await body(await getCar(sp.gatewayUrl, block.cid)))
    expect(car.roots.map(String)).toEqual([block.cid.toString()])
    expect(car.blocks).toHaveLength(1)
    expect(car.blocks[0]!.cid.toString()).toBe(block.cid.toString())
    expect(car.blocks[0]!.bytes.length).toBe(block.bytes.length)
    expect(await hashesTo(block.cid, car.blocks[0]!.bytes)).toBe(false)
  })

  it('extra-blocks sends the requested block plus another valid one', async () => {
    const sp = await provider({ kind: 'extra-blocks' })
    const car = await readCar(await body(await getCar(sp.gatewayUrl, block.cid)))
    expect(car.blocks).toHaveLength(2)
    expect(car.blocks[0]!.cid.toString()).toBe(block.cid.toString())
    expect(car.blocks[1]!.cid.toString()).not.toBe(block.cid.toString())
    for (const b of car.blocks) expect(await hashesTo(b.cid, b.bytes)).toBe(true)
  })

  it('truncated-car cuts the CAR inside the block', async () => {
    const sp = await provider({ kind: 'truncated-car' })
    const res = await getCar(sp.gatewayUrl, block.cid)
    expect(res.status).toBe(200)
    await expect(readCar(await body(res))).rejects.toThrow()
  })

  it('garbage-car answers 200 with bytes that are not a CAR', async () => {
    const sp = await provider({ kind: 'garbage-car' })
    const res = await getCar(sp.gatewayUrl, block.cid)
    expect(res.status).toBe(200)
    const bytes = await body(res)
    expect(bytes.length).toBeGreaterThan(1000)
    await expect(readCar(bytes)).rejects.toThrow()
  })

  it('http-5xx answers the status to GET and HEAD', async () => {
    const sp = await provider({ kind: 'http-5xx', status: 503 })
    expect((await getCar(sp.gatewayUrl, block.cid)).status).toBe(503)
    expect((await fetch(blockUrl(sp.gatewayUrl, block.cid), { method: 'HEAD', headers: { accept: CAR } })).status).toBe(503)
  })

  it('refuse closes the advertised port; leaving it reopens the same port', async () => {
    const sp = await provider({ kind: 'refuse' })
    const err = await getCar(sp.gatewayUrl, block.cid).catch((e: Error & { cause?: { code?: string } }) => e)
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED')
    await sp.setProfile({ kind: 'healthy' })
    expect((await getCar(sp.gatewayUrl, block.cid)).status).toBe(200)
    await sp.setProfile({ kind: 'refuse' })
    await expect(getCar(sp.gatewayUrl, block.cid)).rejects.toThrow()
  })

  it('oversized streams exactly `bytes` bytes of a CAR rooted at the CID', async () => {
    const total = 8 * 1024 * 1024 + 3
    const sp = await provider({ kind: 'oversized', bytes: total })
    const res = await getCar(sp.gatewayUrl, block.cid)
    let received = 0
    for await (const chunk of res.body!) received += chunk.length
    expect(received).toBe(total)
    // Parse only the CAR header, then hang up: the block itself is the oversized part.
    const reader = (await getCar(sp.gatewayUrl, block.cid)).body!.getReader()
    const chunks = (async function* () {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        yield value
      }
    })()
    const iterator = await CarBlockIterator.fromIterable(chunks)
    expect((await iterator.getRoots()).map(String)).toEqual([block.cid.toString()])
    await reader.cancel()
    const raw = await fetch(blockUrl(sp.gatewayUrl, block.cid, 'format=raw'))
    expect((await body(raw)).length).toBe(total)
  })

  it('oversized stops generating when the client gives up', async () => {
    const sp = await provider({ kind: 'oversized', bytes: 10 * 1024 ** 3 })
    const controller = new AbortController()
    const res = await getCar(sp.gatewayUrl, block.cid, { signal: controller.signal })
    let received = 0
    await expect(
      (async () => {
        for await (const chunk of res.body!) {
          received += chunk.length
          if (received > 2 * 1024 * 1024) controller.abort()
        }
      })(),
    ).rejects.toThrow()
    expect(received).toBeLessThan(64 * 1024 * 1024)
  })

  it('empty-car sends a valid header naming the root and no blocks', async () => {
    const sp = await provider({ kind: 'empty-car' })
    const car = await readCar(await body(await getCar(sp.gatewayUrl, block.cid)))
    expect(car.roots.map(String)).toEqual([block.cid.toString()])
    expect(car.blocks).toHaveLength(0)
  })

  it('rejects invalid profiles', async () => {
    await expect(startFakeProvider({ minerId: 'f0', blocks, profile: { kind: 'http-5xx', status: 404 } })).rejects.toThrow(/500–599/)
    await expect(startFakeProvider({ minerId: 'f0', blocks, profile: { kind: 'flaky', failShare: 2 } })).rejects.toThrow(/failShare/)
  })

  it('refuses to bind anything but loopback', async () => {
    await expect(startFakeProvider({ minerId: 'f0', blocks, host: '0.0.0.0' })).rejects.toThrow(/loopback/)
  })
})

afterAll(async () => {
  await Promise.all(started.splice(0).map((sp) => sp.stop()))
})
