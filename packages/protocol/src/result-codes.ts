/*
 * Retrieval result codes: Spark's result-code table ("Spark Table Temp") plus Spark's evaluator mapping from
 * a measurement's status fields to a result. `countsTowardRsr` says whether a measurement with
 * this result is a datapoint of a provider's retrieval success rate.
 */

export interface ResultCodeInfo {
  code: string
  countsTowardRsr: boolean
  description: string
}

/** Spark's result-code table, keyed by code, in Spark's order. */
const TABLE = {
  OK: { countsTowardRsr: true, description: 'The retrieval was successful.' },
  TIMEOUT: { countsTowardRsr: true, description: 'No progress for 60 s, or the request ran past the 90 s hard limit.' },
  CAR_TOO_LARGE: { countsTowardRsr: true, description: 'The root block is bigger than 200 MiB.' },
  UNSUPPORTED_MULTIADDR_FORMAT: { countsTowardRsr: true, description: 'The advertised multiaddr cannot be turned into an HTTP(S) URL.' },
  HOSTNAME_DNS_ERROR: { countsTowardRsr: true, description: "The provider's hostname did not resolve." },
  CONNECTION_REFUSED: { countsTowardRsr: true, description: 'The provider refused the connection.' },
  UNKNOWN_FETCH_ERROR: { countsTowardRsr: true, description: 'The request failed for a reason not recognised yet.' },
  UNSUPPORTED_CID_HASH_ALGO: {
    countsTowardRsr: true,
    description: "The CID's hash function is not supported, so content cannot be verified.",
  },
  CONTENT_VERIFICATION_FAILED: { countsTowardRsr: true, description: 'The bytes received do not hash to the requested CID.' },
  UNEXPECTED_CAR_BLOCK: { countsTowardRsr: true, description: 'The CAR holds blocks other than the requested one.' },
  CANNOT_PARSE_CAR_FILE: { countsTowardRsr: true, description: 'The provider returned a malformed or corrupted CAR.' },
  IPNI_NOT_QUERIED: { countsTowardRsr: false, description: 'An outdated or fraudulent checker did not report the IPNI query result.' },
  IPNI_NO_VALID_ADVERTISEMENT: { countsTowardRsr: true, description: 'IPNI has no usable advertisement from this provider for the CID.' },
  IPNI_ERROR_FETCH: { countsTowardRsr: true, description: 'The request to IPNI failed at the network level.' },
  UNKNOWN_ERROR: { countsTowardRsr: true, description: 'The check failed for another reason (fallback).' },
  RPC_FAILURE: {
    countsTowardRsr: false,
    description: "The chain JSON-RPC did not give the provider's peer id; no retrieval was attempted.",
  },
  COMMITTEE_CHECK_ERROR: { countsTowardRsr: false, description: 'The committee check itself failed.' },
  PUBLISH_FAILURE: { countsTowardRsr: false, description: 'The checker could not publish its measurement.' },
} as const satisfies Record<string, Omit<ResultCodeInfo, 'code'>>

/** A result code of the table, e.g. `'TIMEOUT'`. A `Record<ResultCode, …>` must name each one. */
export type ResultCode = keyof typeof TABLE

/** A code with a number: `IPNI_ERROR_<n>` (IPNI's HTTP status), `HTTP_<n>` (provider), `LASSIE_<n>` (graphsync via Lassie). */
export type NumberedResultCode = `IPNI_ERROR_${number}` | `HTTP_${number}` | `LASSIE_${number}`

/**
 * What `retrievalResultOf` can give: a table code, a numbered code, or `IPNI_<indexerResult>`
 * for whatever IPNI outcome a checker reported. Measurements from peers still carry any string.
 */
export type RetrievalResult = ResultCode | NumberedResultCode | `IPNI_${string}`

/** The table by code, in Spark's order; each entry's `code` is its key. */
export const RESULT_CODES: ReadonlyMap<string, ResultCodeInfo> = new Map(
  (Object.entries(TABLE) as Array<[ResultCode, Omit<ResultCodeInfo, 'code'>]>).map(([code, info]) => [code, { code, ...info }]),
)

/** Codes with a number: `IPNI_ERROR_<n>` (IPNI's HTTP status), `HTTP_<n>` (provider), `LASSIE_<n>` (graphsync via Lassie). */
const NUMBERED = /^(IPNI_ERROR|HTTP|LASSIE)_(\d+)$/

/** Committee-level outcomes; a committee with one of these has no result to score. */
export const COMMITTEE_TOO_SMALL = 'COMMITTEE_TOO_SMALL'
export const MAJORITY_NOT_FOUND = 'MAJORITY_NOT_FOUND'

/** Describes any result code, numbered ones included; undefined for unknown strings. */
export function describeResult(code: string): ResultCodeInfo | undefined {
  const known = RESULT_CODES.get(code)
  if (known) return known
  const m = NUMBERED.exec(code)
  if (!m) return undefined
  const n = Number(m[2])
  if (m[1] === 'IPNI_ERROR') {
    // An IPNI outage says nothing about the provider (spark-evaluate #512).
    const outage = /^5\d\d$/.test(m[2] as string)
    return { code, countsTowardRsr: !outage, description: `IPNI answered HTTP ${n}.` }
  }
  const who = m[1] === 'HTTP' ? 'The provider' : 'Lassie (graphsync)'
  return { code, countsTowardRsr: true, description: `${who} answered HTTP ${n}.` }
}

/**
 * Whether a measurement with this result is a datapoint of the provider's RSR. Unknown codes
 * count, as Spark's `UNKNOWN_ERROR` does: a checker cannot hide a failure by inventing a code.
 */
export function countsTowardRsr(code: string): boolean {
  if (code === COMMITTEE_TOO_SMALL || code === MAJORITY_NOT_FOUND) return false
  return describeResult(code)?.countsTowardRsr ?? true
}

/** Spark's synthetic status codes for failures that have no HTTP status (checker `mapErrorToStatusCode`). */
export const STATUS = {
  UNKNOWN_FETCH_ERROR: 600,
  UNSUPPORTED_MULTIADDR_HOST_TYPE: 701,
  UNSUPPORTED_MULTIADDR_PROTO: 702,
  UNSUPPORTED_MULTIADDR_SCHEME: 703,
  MULTIADDR_HAS_TOO_MANY_PARTS: 704,
  INVALID_HTTP_PATH: 705,
  HOSTNAME_DNS_ERROR: 801,
  CONNECTION_REFUSED: 802,
  UNSUPPORTED_CID_HASH_ALGO: 901,
  CONTENT_VERIFICATION_FAILED: 902,
  UNEXPECTED_CAR_BLOCK: 903,
  CANNOT_PARSE_CAR_FILE: 904,
} as const

/** The result of each synthetic status that names one (the 70x multiaddr errors share UNSUPPORTED_MULTIADDR_FORMAT). */
const BY_STATUS: Readonly<Record<number, ResultCode>> = {
  [STATUS.UNKNOWN_FETCH_ERROR]: 'UNKNOWN_FETCH_ERROR',
  [STATUS.HOSTNAME_DNS_ERROR]: 'HOSTNAME_DNS_ERROR',
  [STATUS.CONNECTION_REFUSED]: 'CONNECTION_REFUSED',
  [STATUS.UNSUPPORTED_CID_HASH_ALGO]: 'UNSUPPORTED_CID_HASH_ALGO',
  [STATUS.CONTENT_VERIFICATION_FAILED]: 'CONTENT_VERIFICATION_FAILED',
  [STATUS.UNEXPECTED_CAR_BLOCK]: 'UNEXPECTED_CAR_BLOCK',
  [STATUS.CANNOT_PARSE_CAR_FILE]: 'CANNOT_PARSE_CAR_FILE',
}

/** The fields of a measurement that decide its retrieval result. */
export interface RetrievalOutcome {
  indexerResult: string | null
  timeout: boolean
  carTooLarge: boolean
  statusCode: number | null
  /** 'http', 'bitswap', 'graphsync' … */
  protocol: string | null
  /** Unix ms when the check ended; null when it never did. */
  endAt: number | null
}

/**
 * Spark's `getRetrievalResult`, in order: IPNI outcome, timeout, size cap, multiaddr errors
 * (7xx), synthetic codes, HTTP status ≥ 300 (`HTTP_` for http, `LASSIE_` otherwise), then OK
 * for a 2xx that ended, else UNKNOWN_ERROR.
 */
export function retrievalResultOf(o: RetrievalOutcome): RetrievalResult {
  // No IPNI answer reported: Spark's historic IPNI_NOT_QUERIED, which never counts against a provider.
  if (o.indexerResult === null) return 'IPNI_NOT_QUERIED'
  if (o.indexerResult !== 'OK' && o.indexerResult !== 'HTTP_NOT_ADVERTISED') return `IPNI_${o.indexerResult}`
  if (o.timeout) return 'TIMEOUT'
  if (o.carTooLarge) return 'CAR_TOO_LARGE'
  const status = o.statusCode
  if (status === null) return 'UNKNOWN_ERROR'
  if (status >= 700 && status < 800) return 'UNSUPPORTED_MULTIADDR_FORMAT'
  const synthetic = BY_STATUS[status]
  if (synthetic) return synthetic
  if (status >= 300) return `${o.protocol === 'http' ? 'HTTP' : 'LASSIE'}_${status}`
  return status >= 200 && o.endAt !== null ? 'OK' : 'UNKNOWN_ERROR'
}
