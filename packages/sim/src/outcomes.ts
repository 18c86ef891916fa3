import { retrievalResultOf, STATUS } from '@spark-swarm/protocol'

/**
 * The retrieval fields a checker reports for one result code, chosen so that the protocol's own
 * `retrievalResultOf` maps them back to that code (checked, not assumed: see `outcomeFields`).
 */
export interface OutcomeFields {
  code: string
  indexerResult: string | null
  protocol: string | null
  statusCode: number | null
  headStatusCode: number | null
  timeout: boolean
  carTooLarge: boolean
  /** Whether the checker got as far as knowing the provider's peer id and address. */
  withProvider: boolean
  /** Whether the answer carries the content's byte length and checksum (OK only). */
  withContent: boolean
}

const NAMED_STATUS: Record<string, number> = {
  UNKNOWN_FETCH_ERROR: STATUS.UNKNOWN_FETCH_ERROR,
  UNSUPPORTED_MULTIADDR_FORMAT: STATUS.UNSUPPORTED_MULTIADDR_HOST_TYPE,
  HOSTNAME_DNS_ERROR: STATUS.HOSTNAME_DNS_ERROR,
  CONNECTION_REFUSED: STATUS.CONNECTION_REFUSED,
  UNSUPPORTED_CID_HASH_ALGO: STATUS.UNSUPPORTED_CID_HASH_ALGO,
  CONTENT_VERIFICATION_FAILED: STATUS.CONTENT_VERIFICATION_FAILED,
  UNEXPECTED_CAR_BLOCK: STATUS.UNEXPECTED_CAR_BLOCK,
  CANNOT_PARSE_CAR_FILE: STATUS.CANNOT_PARSE_CAR_FILE,
}

function candidate(code: string): OutcomeFields | undefined {
  const http = (statusCode: number | null, extra: Partial<OutcomeFields> = {}): OutcomeFields => ({
    code,
    indexerResult: 'OK',
    protocol: 'http',
    statusCode,
    headStatusCode: 200,
    timeout: false,
    carTooLarge: false,
    withProvider: true,
    withContent: false,
    ...extra,
  })
  if (code === 'OK') return http(200, { withContent: true })
  if (code === 'TIMEOUT') return http(null, { timeout: true })
  if (code === 'CAR_TOO_LARGE') return http(200, { carTooLarge: true })
  if (code === 'UNKNOWN_ERROR') return http(null)
  const named = NAMED_STATUS[code]
  if (named !== undefined) return http(named)
  const numbered = /^(HTTP|LASSIE)_([1-9]\d{2,8})$/.exec(code)
  if (numbered) {
    const status = Number(numbered[2])
    return numbered[1] === 'HTTP' ? http(status) : http(status, { protocol: 'graphsync', headStatusCode: null })
  }
  const ipni = { protocol: null, statusCode: null, headStatusCode: null, withProvider: false }
  if (code === 'IPNI_NOT_QUERIED') return http(null, { ...ipni, indexerResult: null })
  const indexer = /^IPNI_([A-Z0-9_]{1,58})$/.exec(code)
  if (indexer && indexer[1] !== 'OK' && indexer[1] !== 'HTTP_NOT_ADVERTISED') {
    return http(null, { ...ipni, indexerResult: indexer[1] as string })
  }
  return undefined
}

const cache = new Map<string, OutcomeFields | null>()

/**
 * Fields that produce result `code`, or undefined when no measurement can carry it (e.g.
 * `RPC_FAILURE`, which Spark's server assigned and our evaluator would drop as RESULT_MISMATCH).
 */
export function outcomeFields(code: string): OutcomeFields | undefined {
  let known = cache.get(code)
  if (known === undefined) {
    const c = candidate(code)
    known =
      c &&
      retrievalResultOf({
        indexerResult: c.indexerResult,
        timeout: c.timeout,
        carTooLarge: c.carTooLarge,
        statusCode: c.statusCode,
        protocol: c.protocol,
        endAt: 1,
      }) === code
        ? c
        : null
    cache.set(code, known)
  }
  return known ?? undefined
}
