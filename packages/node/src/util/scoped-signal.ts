/** A signal for one operation, and the way to let go of what it listens to. */
export interface ScopedSignal {
  readonly signal: AbortSignal
  /** Stops listening to the parent signals and cancels the timeout; call it when the operation ends. */
  clear(): void
}

/**
 * A signal that aborts when any of `signals` aborts (with its reason) or after `timeoutMs` (with a
 * `TimeoutError`), for one operation that ends with `clear()`.
 *
 * Why not `AbortSignal.any([ctx.signal, …])`: on Node 20 every composite stays registered on its
 * sources for as long as they live, about 50 bytes each, even after the composite is collected. The
 * node's lifetime signal lives for months and takes part in every check, fetch and provide, some
 * of them started by peers (catch-up fetches): a leak that grows with use and with attacker input.
 * Listeners are removed by `clear()`, so nothing is left on a long-lived parent.
 *
 * @example
 * const scope = scopedSignal([ctx.signal], 10_000)
 * try { await fetchSomething({ signal: scope.signal }) } finally { scope.clear() }
 */
export function scopedSignal(signals: ReadonlyArray<AbortSignal | undefined>, timeoutMs?: number): ScopedSignal {
  const controller = new AbortController()
  const parents = signals.filter((s): s is AbortSignal => s !== undefined)
  let timer: NodeJS.Timeout | undefined
  const clear = () => {
    clearTimeout(timer)
    for (const parent of parents) parent.removeEventListener('abort', onAbort)
  }
  function onAbort(this: AbortSignal) {
    clear()
    controller.abort(this.reason)
  }
  for (const parent of parents) {
    if (parent.aborted) {
      clear()
      controller.abort(parent.reason)
      return { signal: controller.signal, clear }
    }
    parent.addEventListener('abort', onAbort, { once: true })
  }
  if (timeoutMs !== undefined) {
    timer = setTimeout(() => {
      clear()
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
    }, timeoutMs)
    // like AbortSignal.timeout: a pending limit alone does not keep the process up
    timer.unref()
  }
  return { signal: controller.signal, clear }
}
