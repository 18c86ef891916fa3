import type { Clock } from '../../src/node/clock.js'

interface Timer {
  at: number
  resolve(): void
}

/** Lets every promise chain woken by a timer run (a few macrotask turns) before time moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * A clock that moves only when the test says: `sleep` waits for virtual time, and `runUntil`
 * advances it timer by timer until what the test waits for happened. No real time passes.
 */
export class FakeClock implements Clock {
  #now: number
  readonly #timers = new Set<Timer>()

  constructor(start: number) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = () => {
        this.#timers.delete(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#timers.add(timer)
    })
  }

  /** Moves time to `to`, firing due timers in order and letting their work run. */
  async advanceTo(to: number): Promise<void> {
    await settle()
    for (;;) {
      const next = [...this.#timers].filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0]
      if (!next) break
      this.#timers.delete(next)
      this.#now = Math.max(this.#now, next.at)
      next.resolve()
      await settle()
    }
    this.#now = Math.max(this.#now, to)
    await settle()
  }

  /**
   * Advances virtual time, timer by timer, until `done()` holds; fails when it does not by
   * `limit` (virtual ms from now). What a test waits for is the outcome, not a duration.
   */
  async runUntil(done: () => boolean, limit: number): Promise<void> {
    const end = this.#now + limit
    await settle()
    while (!done()) {
      const next = [...this.#timers].sort((a, b) => a.at - b.at)[0]
      if (!next || next.at > end) throw new Error(`not done by ${limit} ms of virtual time`)
      await this.advanceTo(next.at)
    }
  }
}
