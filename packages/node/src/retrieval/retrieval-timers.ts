/**
 * The two time limits of a retrieval (Spark's fetchCAR): no progress for `idleMs` (reset when the
 * request starts, when headers arrive, after each chunk) and at most `hardMs` in all. `pause()`
 * stops both while the node itself holds the download back (its bandwidth limit), so a node's own
 * throttling never turns into a provider's TIMEOUT; `resume()` restarts the idle limit and lets the
 * hard limit run on from where it stopped.
 */
export class RetrievalTimers {
  readonly #idleMs: number
  readonly #onExpire: () => void
  #hardLeftMs: number
  #hardStartedAt = 0
  #idle: NodeJS.Timeout | undefined
  #hard: NodeJS.Timeout | undefined
  #expired = false

  constructor(idleMs: number, hardMs: number, onExpire: () => void) {
    this.#idleMs = idleMs
    this.#hardLeftMs = hardMs
    this.#onExpire = onExpire
  }

  get expired(): boolean {
    return this.#expired
  }

  start(): void {
    this.resume()
  }

  progress(): void {
    if (this.#idle === undefined) return
    clearTimeout(this.#idle)
    this.#idle = setTimeout(this.#expire, this.#idleMs)
  }

  pause(): void {
    if (this.#hard !== undefined) this.#hardLeftMs -= performance.now() - this.#hardStartedAt
    this.stop()
  }

  resume(): void {
    if (this.#expired) return
    this.stop()
    this.#hardStartedAt = performance.now()
    this.#idle = setTimeout(this.#expire, this.#idleMs)
    this.#hard = setTimeout(this.#expire, Math.max(0, this.#hardLeftMs))
  }

  stop(): void {
    clearTimeout(this.#idle)
    clearTimeout(this.#hard)
    this.#idle = undefined
    this.#hard = undefined
  }

  readonly #expire = (): void => {
    this.stop()
    this.#expired = true
    this.#onExpire()
  }
}
