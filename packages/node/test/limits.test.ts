import { describe, expect, it } from 'vitest'
import { Semaphore, TokenBucket } from '../src/index.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('Semaphore', () => {
  it('holds at most `limit` permits and serves waiters in order', async () => {
    const semaphore = new Semaphore(2)
    const a = await semaphore.acquire()
    await semaphore.acquire()
    const order: string[] = []
    const acquired = (name: string) => (release: () => void) => {
      order.push(name)
      return release
    }
    const c = semaphore.acquire().then(acquired('c'))
    const d = semaphore.acquire().then(acquired('d'))
    await tick()
    expect(semaphore.active).toBe(2)
    expect(semaphore.waiting).toBe(2)
    a()
    a() // a second release of the same permit gives back nothing
    await tick()
    expect(order).toEqual(['c'])
    expect(semaphore.waiting).toBe(1)
    ;(await c)()
    ;(await d)()
    expect(order).toEqual(['c', 'd'])
    expect(semaphore.active).toBe(1)
  })

  it('bounds the concurrency of `run`', async () => {
    const semaphore = new Semaphore(3)
    let running = 0
    let peak = 0
    await Promise.all(
      Array.from({ length: 10 }, () =>
        semaphore.run(async () => {
          peak = Math.max(peak, ++running)
          await new Promise((resolve) => setTimeout(resolve, 5))
          running--
        }),
      ),
    )
    expect(peak).toBe(3)
    expect(semaphore.active).toBe(0)
  })

  it('drops an aborted waiter from the queue', async () => {
    const semaphore = new Semaphore(1)
    const release = await semaphore.acquire()
    const controller = new AbortController()
    const waiting = semaphore.acquire({ signal: controller.signal })
    controller.abort(new Error('gave up'))
    await expect(waiting).rejects.toThrow('gave up')
    expect(semaphore.waiting).toBe(0)
    release()
    expect(semaphore.active).toBe(0)
    await expect(semaphore.acquire({ signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already')
  })

  it('refuses a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError)
  })
})

describe('TokenBucket', () => {
  it('is unlimited when the rate is 0 or unset', async () => {
    for (const bucket of [new TokenBucket(), new TokenBucket({ bytesPerSecond: 0 })]) {
      expect(bucket.unlimited).toBe(true)
      expect(await bucket.take(10 ** 12)).toBe(0)
    }
  })

  it('lets a burst through, then paces takers at the rate, in order', async () => {
    const bucket = new TokenBucket({ bytesPerSecond: 10_000, burstBytes: 1_000 })
    const began = performance.now()
    expect(await bucket.take(1_000)).toBe(0)
    const finished: number[] = []
    await Promise.all([1, 2, 3].map((i) => bucket.take(500).then(() => finished.push(i))))
    const elapsed = performance.now() - began
    expect(finished).toEqual([1, 2, 3])
    // 1 500 bytes of debt at 10 000 B/s: 150 ms
    expect(elapsed).toBeGreaterThanOrEqual(140)
    expect(elapsed).toBeLessThan(1_000)
  })

  it('allows a take larger than the burst; it just waits longer', async () => {
    const bucket = new TokenBucket({ bytesPerSecond: 20_000, burstBytes: 100 })
    const waited = await bucket.take(2_100)
    expect(waited).toBeGreaterThanOrEqual(99)
    expect(waited).toBeLessThan(150)
  })

  it('refills with time, up to the burst', async () => {
    let now = 0
    const bucket = new TokenBucket({ bytesPerSecond: 1_000, burstBytes: 500, now: () => now })
    expect(await bucket.take(500)).toBe(0)
    now += 10_000 // a long idle spell refills only the burst
    expect(await bucket.take(500)).toBe(0)
    now += 100
    expect(await bucket.take(100)).toBe(0)
  })

  it('gives the bytes back when a waiting take aborts', async () => {
    let now = 0
    const bucket = new TokenBucket({ bytesPerSecond: 1_000, burstBytes: 1_000, now: () => now })
    await bucket.take(1_000)
    const controller = new AbortController()
    const waiting = bucket.take(60_000, { signal: controller.signal })
    controller.abort(new Error('cancelled'))
    await expect(waiting).rejects.toThrow('cancelled')
    now += 1_000
    expect(await bucket.take(1_000)).toBe(0)
  })
})
