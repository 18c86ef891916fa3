import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'

/** Reports a failure the operator must see (a full disk, an unwritable blockstore). */
export type ReportFailure = (what: string, err: unknown) => void

/**
 * An `activity` error naming what failed, with the error's code when it has one (apps branch on
 * it). Nothing is reported once `signal` aborted: a stopping node's aborted work is no failure.
 */
export function failureReporter(events: TypedEventTarget<CheckerNodeEvents>, signal: AbortSignal): ReportFailure {
  return (what, err) => {
    if (signal.aborted) return
    const code = (err as { code?: unknown } | undefined)?.code
    events.emit('activity', {
      level: 'error',
      message: `${what}: ${err instanceof Error ? err.message : String(err)}`,
      ...(typeof code === 'string' ? { code } : {}),
    })
  }
}
