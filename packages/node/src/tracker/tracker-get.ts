import { parseTrackerErrorBody, TRACKER_VERSION_HEADER } from '@spark-swarm/protocol'
import { readBoundedBytes } from '../util/read-body.js'
import { TrackerError } from './errors.js'

/** Larger answers are refused: the network info is a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024
const PROXY_DOWN = new Set([502, 503, 504])

export interface TrackerGetInit {
  base: URL
  checkerVersion: string
  fetch: typeof globalThis.fetch
  timeoutMs: number
}

export interface TrackerAnswer {
  status: number
  text: string
  /** The body as it came (the catalogue is a binary block). */
  bytes: Uint8Array
  /** The answer's headers: the gate's minimum version, the tracker's `Date` for a clock check. */
  headers: Headers
  /** The URL asked, for error messages. */
  url: string
}

/** `maxBytes`: the largest body taken; default 1 MiB (the network info is a few kilobytes). */
export type TrackerGet = (path: string, accept: string, maxBytes?: number) => Promise<TrackerAnswer>

/**
 * GETs a path under the tracker's base URL with this checker's version header, reading the whole
 * (bounded) body within the timeout. No answer, or a proxy's 502/503/504, is TRACKER_UNREACHABLE.
 */
export function createTrackerGet({ base, checkerVersion, fetch, timeoutMs }: TrackerGetInit): TrackerGet {
  const unreachable = (url: string, err: unknown, signal: AbortSignal): TrackerError => {
    const message = signal.aborted
      ? `tracker ${url} did not answer within ${timeoutMs} ms`
      : `tracker ${url} is unreachable: ${err instanceof Error ? describe(err) : String(err)}`
    return new TrackerError('TRACKER_UNREACHABLE', message, { cause: err })
  }

  return async (path, accept, maxBytes = MAX_BODY_BYTES) => {
    const url = new URL(path, base).toString()
    const signal = AbortSignal.timeout(timeoutMs)
    let res: Response
    try {
      res = await fetch(url, { headers: { [TRACKER_VERSION_HEADER]: checkerVersion, accept }, signal })
    } catch (err) {
      throw unreachable(url, err, signal)
    }
    if (PROXY_DOWN.has(res.status)) {
      await res.body?.cancel().catch(() => {})
      throw new TrackerError('TRACKER_UNREACHABLE', `tracker ${url} is unavailable (HTTP ${res.status})`, { status: res.status })
    }
    try {
      const bytes = await readBoundedBytes(res, maxBytes)
      return { status: res.status, bytes, text: Buffer.from(bytes).toString('utf8'), headers: res.headers, url }
    } catch (err) {
      if (err instanceof RangeError) {
        throw new TrackerError('TRACKER_BAD_RESPONSE', `tracker ${url} answered more than ${maxBytes} bytes`, { status: res.status })
      }
      throw unreachable(url, err, signal)
    }
  }
}

/** TRACKER_BAD_RESPONSE: the tracker answered, but not what the protocol allows. */
export function badAnswer({ url, status }: TrackerAnswer, what: string, cause?: unknown): TrackerError {
  return new TrackerError('TRACKER_BAD_RESPONSE', `tracker ${url} answered HTTP ${status}: ${what}`, { status, cause })
}

/** The body as JSON; TRACKER_BAD_RESPONSE when it is not. */
export function answerJson(answer: TrackerAnswer): unknown {
  try {
    return JSON.parse(answer.text)
  } catch (err) {
    throw badAnswer(answer, 'the body is not JSON', err)
  }
}

/** The tracker's `{error, message}` when it sent one, for the error message. */
export function errorSummary(text: string): string {
  const body = parseTrackerErrorBody(text)
  if (body !== undefined) return `(${body.error}: ${String(body.message ?? '').slice(0, 200)})`
  return text ? `(${JSON.stringify(text.slice(0, 80))})` : ''
}

/** undici hides the reason in `cause`: ECONNREFUSED and friends. */
function describe(err: Error): string {
  const cause = err.cause as { code?: string; message?: string } | undefined
  return cause?.code ? `${err.message} (${cause.code})` : err.message
}
