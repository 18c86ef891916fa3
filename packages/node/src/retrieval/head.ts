import { HEAD_TIMEOUT_MS } from './constants.js'
import { describeError, mapErrorToStatusCode } from './errors.js'
import type { FetchLike, StepLog } from './types.js'

export interface HeadProbeOptions {
  signal?: AbortSignal
  timeoutMs?: number
  fetch?: FetchLike
}

/**
 * Spark's `testHeadRequest` (v1.16.0, spark-checker #104): `HEAD` the retrieval URL asking for a
 * raw block, and report the status, or the mapped error code (600 on timeout). Rejects only
 * when `signal` aborts.
 */
export async function probeHead(url: string, options: HeadProbeOptions = {}): Promise<{ headStatusCode: number; step: StepLog }> {
  const { signal } = options
  const fetch = options.fetch ?? globalThis.fetch
  const timeout = AbortSignal.timeout(options.timeoutMs ?? HEAD_TIMEOUT_MS)
  const began = performance.now()
  const step = (ok: boolean, detail: string): StepLog => ({ step: 'head', ok, detail, ms: Math.round(performance.now() - began) })
  try {
    const res = await fetch(url, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.ipld.raw' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    })
    await res.body?.cancel()
    return { headStatusCode: res.status, step: step(res.ok, `HTTP ${res.status}`) }
  } catch (err) {
    if (signal?.aborted) throw signal.reason
    const headStatusCode = mapErrorToStatusCode(err)
    return { headStatusCode, step: step(false, `${headStatusCode}: ${describeError(err)}`) }
  }
}
