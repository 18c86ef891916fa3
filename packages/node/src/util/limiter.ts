/*
 * At most `concurrency` tasks running at once, the rest waiting in order. The node's chain reads
 * go through one of these, so however many callers ask at once (gossip validators, the anchoring
 * snapshot), the Lotus endpoint never sees more than that many of its calls in flight.
 */

export interface Limiter {
  /** Runs `task` once a slot is free; settles as it does. */
  run<T>(task: () => Promise<T>): Promise<T>
  /** Tasks running now. */
  readonly running: number
  /** Tasks waiting for a slot. */
  readonly waiting: number
}

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isSafeInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`)
  let running = 0
  const queue: Array<() => void> = []
  // a finished task hands its slot straight to the next waiting one, so no newcomer slips in between
  const release = () => {
    const next = queue.shift()
    if (next) next()
    else running--
  }
  return {
    async run(task) {
      if (running < concurrency) running++
      else await new Promise<void>((resolve) => queue.push(resolve))
      try {
        return await task()
      } finally {
        release()
      }
    },
    get running() {
      return running
    },
    get waiting() {
      return queue.length
    },
  }
}
