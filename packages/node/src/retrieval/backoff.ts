import { setTimeout as sleep } from 'node:timers/promises'

/** Exponential backoff: `min`, 2·`min`, 4·`min`, … capped at `max`. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** attempt)
}

/** Waits `ms` without blocking the event loop; rejects with the signal's reason when it aborts. */
export async function delay(ms: number, options: { signal?: AbortSignal } = {}): Promise<void> {
  const { signal } = options
  try {
    await sleep(ms, undefined, { signal })
  } catch (err) {
    throw signal?.aborted ? signal.reason : err
  }
}
