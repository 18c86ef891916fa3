import { STATUS } from '@spark-swarm/protocol'

/** Stable codes of RetrievalError; the ones named after Spark's map to its synthetic status codes. */
export type RetrievalErrorCode =
  | 'UNSUPPORTED_MULTIADDR_HOST_TYPE'
  | 'UNSUPPORTED_MULTIADDR_PROTO'
  | 'UNSUPPORTED_MULTIADDR_SCHEME'
  | 'MULTIADDR_HAS_TOO_MANY_PARTS'
  | 'INVALID_HTTP_PATH'
  | 'UNSUPPORTED_CID_HASH_ALGO'
  | 'CONTENT_VERIFICATION_FAILED'
  | 'UNEXPECTED_CAR_BLOCK'
  | 'CANNOT_PARSE_CAR_FILE'
  | 'RPC_FAILURE'
  | 'INVALID_MINER_MAP'

/**
 * The one error type of the retrieval check. Callers branch on `code`; `message` is for people.
 * Peer-supplied strings (addresses, CIDs) appear in messages, so log them at debug only.
 */
export class RetrievalError extends Error {
  override readonly name = 'RetrievalError'
  readonly code: RetrievalErrorCode
  readonly meta: Record<string, unknown>

  constructor(code: RetrievalErrorCode, message: string, options: { cause?: unknown; meta?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.meta = options.meta ?? {}
  }
}

const STATUS_BY_CODE: Partial<Record<RetrievalErrorCode, number>> = {
  UNSUPPORTED_MULTIADDR_HOST_TYPE: STATUS.UNSUPPORTED_MULTIADDR_HOST_TYPE,
  UNSUPPORTED_MULTIADDR_PROTO: STATUS.UNSUPPORTED_MULTIADDR_PROTO,
  UNSUPPORTED_MULTIADDR_SCHEME: STATUS.UNSUPPORTED_MULTIADDR_SCHEME,
  MULTIADDR_HAS_TOO_MANY_PARTS: STATUS.MULTIADDR_HAS_TOO_MANY_PARTS,
  INVALID_HTTP_PATH: STATUS.INVALID_HTTP_PATH,
  UNSUPPORTED_CID_HASH_ALGO: STATUS.UNSUPPORTED_CID_HASH_ALGO,
  CONTENT_VERIFICATION_FAILED: STATUS.CONTENT_VERIFICATION_FAILED,
  UNEXPECTED_CAR_BLOCK: STATUS.UNEXPECTED_CAR_BLOCK,
  CANNOT_PARSE_CAR_FILE: STATUS.CANNOT_PARSE_CAR_FILE,
}

const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'])
// Spark's 802 matched Deno's "tcp connect error", which wraps every failed TCP connect, not only
// a refusal: an unreachable host or network is 802 there too
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN'])

/** The `code`s along an error's cause chain (undici wraps the socket error: `TypeError('fetch failed', { cause })`). */
export function* systemCodes(err: unknown, depth = 0): Generator<string> {
  if (depth > 5 || typeof err !== 'object' || err === null) return
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof code === 'string') yield code
  // happy-eyeballs connects fail with an AggregateError of one error per address
  if (Array.isArray(errors)) for (const e of errors) yield* systemCodes(e, depth + 1)
  yield* systemCodes(cause, depth + 1)
}

/**
 * Spark's `mapErrorToStatusCode`: 70x for multiaddrs, 90x for content, 801 when the host name
 * did not resolve, 802 when the TCP connect failed (refused, unreachable), 600 for anything else
 * (aborts included).
 * Spark matched Deno's message text ("dns error"); in Node the socket error's code says it.
 */
export function mapErrorToStatusCode(err: unknown): number {
  if (err instanceof RetrievalError) {
    const status = STATUS_BY_CODE[err.code]
    if (status !== undefined) return status
  }
  for (const code of systemCodes(err)) {
    if (DNS_ERRORS.has(code)) return STATUS.HOSTNAME_DNS_ERROR
    if (CONNECT_ERRORS.has(code)) return STATUS.CONNECTION_REFUSED
  }
  return STATUS.UNKNOWN_FETCH_ERROR
}

/**
 * Whether the TCP connect itself timed out (undici gives up after 10 s). Spark's client had no
 * connect limit, so such a provider hit the no-progress limit there: it is a TIMEOUT here too.
 */
export function isConnectTimeout(err: unknown): boolean {
  for (const code of systemCodes(err)) if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return true
  return false
}

/** A short, single-line description of an error for step logs. */
export function describeError(err: unknown): string {
  if (err instanceof RetrievalError) return `${err.code}: ${err.message}`
  const codes = [...systemCodes(err)]
  const message = err instanceof Error ? err.message : String(err)
  return codes.length > 0 ? `${message} (${codes.join(', ')})` : message
}
