import { delay } from './backoff.js'
import type { AbortOptions } from './types.js'

/** Gives back a permit; calling it twice gives back one. */
export type Release = () => void

/**
 * Bounded concurrency: at most `limit` holders at once, waiters served first come, first served.
 * A waiter whose signal aborts leaves the queue and rejects with the signal's reason.
 */
export class Semaphore {
  readonly limit: number
  #active = 0
  readonly #waiters: Array<() => void> = []

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`a semaphore needs a limit of at least 1, got ${limit}`)
    this.limit = limit
  }

  get active(): number {
    return this.#active
  }

  get waiting(): number {
    return this.#waiters.length
  }

  async acquire(options: AbortOptions = {}): Promise<Release> {
    const { signal } = options
    signal?.throwIfAborted()
    if (this.#active < this.limit) {
      this.#active++
      return this.#releaser()
    }
    return new Promise<Release>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        // the permit passes straight from the releaser to this waiter: #active does not change
        resolve(this.#releaser())
      }
      const onAbort = () => {
        const at = this.#waiters.indexOf(grant)
        if (at !== -1) this.#waiters.splice(at, 1)
        reject(signal?.reason)
      }
      this.#waiters.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Runs `fn` holding a permit. */
  async run<T>(fn: () => Promise<T>, options: AbortOptions = {}): Promise<T> {
    const release = await this.acquire(options)
    try {
      return await fn()
    } finally {
      release()
    }
  }

  #releaser(): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiters.shift()
      if (next) next()
      else this.#active--
    }
  }
}

export interface TokenBucketInit {
  /** Sustained rate in bytes per second; 0 or undefined means unlimited. */
  bytesPerSecond?: number
  /** Bytes that may pass at once after an idle spell; defaults to one second's worth. */
  burstBytes?: number
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number
}

/**
 * A bandwidth limiter shared by all retrievals of a node. `take(n)` reserves `n` bytes at once
 * (the balance may go negative) and waits until the debt is paid back at `bytesPerSecond`; so
 * takers are served in order, a take larger than the burst is allowed (it just waits longer), and
 * waiting is a timer, never a busy loop. An aborted take gives its bytes back.
 */
export class TokenBucket {
  readonly bytesPerSecond: number
  readonly burstBytes: number
  readonly #now: () => number
  #tokens: number
  #updatedAt: number

  constructor(init: TokenBucketInit = {}) {
    this.bytesPerSecond = Math.max(0, init.bytesPerSecond ?? 0)
    this.burstBytes = Math.max(1, init.burstBytes ?? this.bytesPerSecond)
    this.#now = init.now ?? (() => performance.now())
    this.#tokens = this.burstBytes
    this.#updatedAt = this.#now()
  }

  get unlimited(): boolean {
    return this.bytesPerSecond === 0
  }

  /** Waits until `bytes` may pass; resolves at once when unlimited. Returns the milliseconds waited. */
  async take(bytes: number, options: AbortOptions = {}): Promise<number> {
    options.signal?.throwIfAborted()
    if (this.unlimited || bytes <= 0) return 0
    this.#refill()
    this.#tokens -= bytes
    if (this.#tokens >= 0) return 0
    const waitMs = Math.ceil((-this.#tokens / this.bytesPerSecond) * 1000)
    try {
      await delay(waitMs, options)
    } catch (err) {
      this.#refill()
      this.#tokens = Math.min(this.burstBytes, this.#tokens + bytes)
      throw err
    }
    return waitMs
  }

  #refill(): void {
    const now = this.#now()
    this.#tokens = Math.min(this.burstBytes, this.#tokens + ((now - this.#updatedAt) * this.bytesPerSecond) / 1000)
    this.#updatedAt = now
  }
}
