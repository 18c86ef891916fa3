import { type ProtocolParams, paramsDigest, parseVersion, validateParams } from '@spark-swarm/protocol'
import { readBoundedText } from '../util/read-body.js'

/** The header the tracker reads the checker's version from. */
export const TRACKER_VERSION_HEADER = 'x-spark-swarm-version'
/** The exact body of the tracker's (and Spark's orchestrator's) outdated answer, with status 400. */
export const OUTDATED_CLIENT_BODY = 'OUTDATED CLIENT'

/** Stable codes of TrackerError. */
export type TrackerErrorCode =
  /** No answer: connection refused or reset, DNS failure, timeout, or a 502/503/504 from a proxy. */
  | 'TRACKER_UNREACHABLE'
  /** An answer, but not one the protocol allows: another status, or a body that does not validate. */
  | 'TRACKER_BAD_RESPONSE'
  /** `createTrackerClient` was given a bad URL or version. */
  | 'TRACKER_OPTIONS_INVALID'
  /** `joinNetwork`: the tracker cannot answer and the data dir holds no params it gave before. */
  | 'NETWORK_PARAMS_UNAVAILABLE'

/**
 * The tracker could not be asked, or answered nonsense. Either way the node keeps working on the
 * params it cached; `message` says which tracker and what happened.
 */
export class TrackerError extends Error {
  override readonly name = 'TrackerError'
  readonly code: TrackerErrorCode
  /** The HTTP status when there was one. */
  readonly status: number | undefined

  constructor(code: TrackerErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options.status
  }
}

/** What `GET /v1/network` answers, validated. */
export interface NetworkInfo {
  network: string
  params: ProtocolParams
  /** Checked against the params: equal to `paramsDigest(params)`. */
  paramsDigest: string
  bootstrap: string[]
  catalogueCid: string | null
  minCheckerVersion: string
}

export type GateAnswer = { outdated: false; minCheckerVersion: string } | { outdated: true }

export interface TrackerClientOptions {
  /** The tracker's base URL, e.g. `https://tracker.example.org` (a path prefix is kept). */
  url: string
  /** This checker's version, sent in `x-spark-swarm-version`. */
  checkerVersion: string
  fetch?: typeof globalThis.fetch
  /** Per request, body included; default 10_000. */
  timeoutMs?: number
}

export interface TrackerClient {
  /** The network's params, bootstrap list and catalogue; TrackerError when unavailable. */
  network(): Promise<NetworkInfo>
  /** Whether this checker's version is still accepted; TrackerError when the tracker cannot say. */
  gate(): Promise<GateAnswer>
}

/** Larger answers are refused: the network info is a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024
const PROXY_DOWN = new Set([502, 503, 504])

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function createTrackerClient(options: TrackerClientOptions): TrackerClient {
  const { checkerVersion, timeoutMs = 10_000 } = options
  const fetchImpl = options.fetch ?? globalThis.fetch
  let base: URL
  try {
    base = new URL(options.url)
  } catch (err) {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `tracker URL ${JSON.stringify(options.url)} is not a URL`, { cause: err })
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `tracker URL ${options.url} must be http: or https:`)
  }
  try {
    parseVersion(checkerVersion)
  } catch (err) {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `checker version ${JSON.stringify(checkerVersion)} is not a version like 1.2.3`, {
      cause: err,
    })
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TrackerError('TRACKER_OPTIONS_INVALID', `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`)
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  base.search = ''
  base.hash = ''

  /** GETs `path`, reading the whole (bounded) body within the timeout. */
  const get = async (path: string, accept: string): Promise<{ status: number; text: string; url: string }> => {
    const url = new URL(path, base).toString()
    const signal = AbortSignal.timeout(timeoutMs)
    let res: Response
    try {
      res = await fetchImpl(url, { headers: { [TRACKER_VERSION_HEADER]: checkerVersion, accept }, signal })
    } catch (err) {
      throw unreachable(url, err, signal)
    }
    if (PROXY_DOWN.has(res.status)) {
      await res.body?.cancel().catch(() => {})
      throw new TrackerError('TRACKER_UNREACHABLE', `tracker ${url} is unavailable (HTTP ${res.status})`, { status: res.status })
    }
    try {
      return { status: res.status, text: await readBoundedText(res, MAX_BODY_BYTES), url }
    } catch (err) {
      if (err instanceof RangeError) {
        throw new TrackerError('TRACKER_BAD_RESPONSE', `tracker ${url} answered more than ${MAX_BODY_BYTES} bytes`, { status: res.status })
      }
      throw unreachable(url, err, signal)
    }
  }

  const unreachable = (url: string, err: unknown, signal: AbortSignal): TrackerError => {
    const message = signal.aborted
      ? `tracker ${url} did not answer within ${timeoutMs} ms`
      : `tracker ${url} is unreachable: ${err instanceof Error ? describe(err) : String(err)}`
    return new TrackerError('TRACKER_UNREACHABLE', message, { cause: err })
  }

  const bad = (url: string, status: number, what: string, cause?: unknown): TrackerError =>
    new TrackerError('TRACKER_BAD_RESPONSE', `tracker ${url} answered HTTP ${status}: ${what}`, { status, cause })

  const parseJson = (url: string, status: number, text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch (err) {
      throw bad(url, status, 'the body is not JSON', err)
    }
  }

  return Object.freeze({
    async network(): Promise<NetworkInfo> {
      const { status, text, url } = await get('v1/network', 'application/json')
      if (status !== 200) throw bad(url, status, `expected 200 ${errorSummary(text)}`)
      const body = parseJson(url, status, text)
      if (!isObject(body)) throw bad(url, status, 'the body is not a JSON object')
      let params: ProtocolParams
      try {
        params = validateParams(body.params as ProtocolParams)
      } catch (err) {
        throw bad(url, status, `invalid params: ${(err as Error).message}`, err)
      }
      if (body.network !== params.network) throw bad(url, status, 'network differs from params.network')
      if (body.paramsDigest !== paramsDigest(params)) throw bad(url, status, 'paramsDigest does not match the params')
      if (body.catalogueCid !== params.catalogueCid) throw bad(url, status, 'catalogueCid differs from params.catalogueCid')
      if (body.minCheckerVersion !== params.minCheckerVersion) {
        throw bad(url, status, 'minCheckerVersion differs from params.minCheckerVersion')
      }
      const bootstrap = body.bootstrap
      if (!Array.isArray(bootstrap) || !bootstrap.every((a) => typeof a === 'string' && a.startsWith('/') && a.length <= 1024)) {
        throw bad(url, status, 'bootstrap is not a list of multiaddrs')
      }
      return {
        network: params.network,
        params,
        paramsDigest: body.paramsDigest,
        bootstrap: [...bootstrap],
        catalogueCid: params.catalogueCid,
        minCheckerVersion: params.minCheckerVersion,
      }
    },

    async gate(): Promise<GateAnswer> {
      const { status, text, url } = await get('v1/gate', 'application/json, text/plain')
      if (status === 400 && text === OUTDATED_CLIENT_BODY) return { outdated: true }
      if (status !== 200) throw bad(url, status, `expected 200 or 400 ${OUTDATED_CLIENT_BODY} ${errorSummary(text)}`)
      const body = parseJson(url, status, text)
      if (!isObject(body) || body.ok !== true || typeof body.minCheckerVersion !== 'string') {
        throw bad(url, status, 'expected {"ok": true, "minCheckerVersion": …}')
      }
      try {
        parseVersion(body.minCheckerVersion)
      } catch (err) {
        throw bad(url, status, 'minCheckerVersion is not a version', err)
      }
      return { outdated: false, minCheckerVersion: body.minCheckerVersion }
    },
  })
}

/** The tracker's `{error, message}` when it sent one, for the error message. */
function errorSummary(text: string): string {
  try {
    const body: unknown = JSON.parse(text)
    if (isObject(body) && typeof body.error === 'string') {
      return `(${body.error}: ${String(body.message ?? '').slice(0, 200)})`
    }
  } catch {
    // not JSON: quote the start of the text
  }
  return text ? `(${JSON.stringify(text.slice(0, 80))})` : ''
}

/** undici hides the reason in `cause`: ECONNREFUSED and friends. */
function describe(err: Error): string {
  const cause = err.cause as { code?: string; message?: string } | undefined
  return cause?.code ? `${err.message} (${cause.code})` : err.message
}
