/**
 * A long computation cut into steps: each `yield` is a point where its caller may let other work
 * run (a node answers gossip between steps) before it asks for the next one. The result is the
 * generator's return value, the same however the steps are driven.
 */
export type Steps<T> = Generator<void, T, void>

/** Runs every step at once: the synchronous result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/** Items handled between two yields by the loops of this package: a few milliseconds of work. */
export const STEP_ITEMS = 1024

/** `items.map(f)`, yielding every `STEP_ITEMS` items. */
export function* mapInSteps<T, U>(items: readonly T[], f: (item: T) => U): Steps<U[]> {
  const out = new Array<U>(items.length)
  for (let i = 0; i < items.length; i++) {
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield
    out[i] = f(items[i] as T)
  }
  return out
}

/**
 * A stable sort in steps: runs of `STEP_ITEMS` sorted by the engine's (stable) sort, then merged
 * pairwise, taking the left item on ties. A stable sort's result is fixed by the comparator, so
 * this returns exactly what `[...items].sort(compare)` does.
 */
export function* sortInSteps<T>(items: readonly T[], compare: (a: T, b: T) => number): Steps<T[]> {
  const n = items.length
  let from: T[] = items.slice()
  for (let start = 0; start < n; start += STEP_ITEMS) {
    const run = from.slice(start, start + STEP_ITEMS).sort(compare)
    for (let i = 0; i < run.length; i++) from[start + i] = run[i] as T
    yield
  }
  let to = new Array<T>(n)
  for (let width = STEP_ITEMS; width < n; width *= 2) {
    let moved = 0
    for (let left = 0; left < n; left += 2 * width) {
      const mid = Math.min(left + width, n)
      const end = Math.min(left + 2 * width, n)
      let i = left
      let j = mid
      for (let k = left; k < end; k++) {
        if (i < mid && (j >= end || compare(from[i] as T, from[j] as T) <= 0)) to[k] = from[i++] as T
        else to[k] = from[j++] as T
        if (++moved % STEP_ITEMS === 0) yield
      }
    }
    ;[from, to] = [to, from]
  }
  return from
}
