import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Steps } from '@spark-swarm/protocol'

/**
 * The longest a slice of round-end work runs before the event loop gets a turn (gossip, the
 * status API, timers). Well under the 50 ms a node may stall: one step, or a garbage collection,
 * may run past it.
 */
export const SLICE_MS = 5

/** Tells a long loop when its slice is used up; `pause()` then gives the event loop a turn. */
export interface Slicer {
  pause(): Promise<void>
}

/** A slicer for one piece of work; an aborted `signal` ends the work at its next pause. */
export function createSlicer(signal?: AbortSignal, sliceMs = SLICE_MS): Slicer {
  let started = performance.now()
  return {
    async pause() {
      if (performance.now() - started < sliceMs) return
      await nextTurn()
      signal?.throwIfAborted()
      started = performance.now()
    },
  }
}

/** Drives `steps` to the end in slices of `sliceMs`, giving the event loop a turn between them. */
export async function runInSlices<T>(steps: Steps<T>, signal?: AbortSignal, sliceMs = SLICE_MS): Promise<T> {
  for (;;) {
    const started = performance.now()
    let step = steps.next()
    while (!step.done && performance.now() - started < sliceMs) step = steps.next()
    if (step.done) return step.value
    await nextTurn()
    signal?.throwIfAborted()
  }
}
