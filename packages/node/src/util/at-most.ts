/**
 * Waits for `work` at most `ms`: resolves when it settles or when the time is up, whichever is
 * first; `work` goes on either way, and its failure is `onError`'s (never an unhandled rejection).
 * For work a round start should not wait a whole RPC timeout for.
 */
export function atMost(work: Promise<unknown>, ms: number, onError: (err: unknown) => void): Promise<void> {
  const settled = work.then(
    () => undefined,
    (err) => onError(err),
  )
  let timer: NodeJS.Timeout | undefined
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref?.()
  })
  return Promise.race([settled, timeUp]).finally(() => clearTimeout(timer))
}
