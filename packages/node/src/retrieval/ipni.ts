import { readBoundedJson } from '../util/read-body.js'
import { backoffDelay, delay } from './backoff.js'
import { IPNI_ATTEMPT_TIMEOUT_MS, IPNI_MAX_BACKOFF_MS, IPNI_MAX_RESPONSE_BYTES, IPNI_MIN_BACKOFF_MS, IPNI_RETRIES } from './constants.js'
import { describeError } from './errors.js'
import { metadataProtocol } from './ipni-metadata.js'
import type { FetchLike, RetrievalProtocol } from './types.js'

export interface QueryIndexOptions {
  /** e.g. `https://cid.contact` */
  indexerUrl: string
  fetch?: FetchLike
  signal?: AbortSignal
  /** Retries after a 5xx answer (Spark: 5); other failures are final. */
  retries?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  /** Limit of one request; a request that runs past it is ERROR_FETCH. */
  attemptTimeoutMs?: number
  maxResponseBytes?: number
  /** Whether a bitswap record is usable (true by default); false gives Spark's choice exactly. */
  bitswap?: boolean
}

export interface IndexProvider {
  address: string
  protocol: RetrievalProtocol
}

export interface IndexResult {
  /** OK, HTTP_NOT_ADVERTISED, NO_VALID_ADVERTISEMENT, ERROR_<status> or ERROR_FETCH. */
  indexerResult: string
  provider?: IndexProvider
  /** Why the query failed (ERROR_FETCH), for logs. */
  error?: string
}

/** Measurements refuse longer addresses (protocol's STRING_LIMITS.providerAddress). */
const MAX_ADDRESS_LENGTH = 512
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/

/**
 * Asks IPNI how `providerId` serves `cid` (Spark's `queryTheIndex`): `GET {indexerUrl}/cid/{cid}`,
 * retried with backoff while IPNI answers 5xx, then the provider's records are ranked:
 * an http record (`indexerResult` OK, its first address), else a bitswap one (OK, first address +
 * `/p2p/<id>`; Spark ignored bitswap), else a graphsync one (HTTP_NOT_ADVERTISED), else
 * NO_VALID_ADVERTISEMENT. Network failures and unreadable answers are ERROR_FETCH, other statuses
 * ERROR_<status>. Rejects only when `signal` aborts.
 */
export async function queryIndex(cid: string, providerId: string, options: QueryIndexOptions): Promise<IndexResult> {
  const answer = await fetchProviderResults(cid, options)
  if (!Array.isArray(answer)) return answer
  return pickProvider(answer, providerId, options.bitswap ?? true)
}

/** The provider records of IPNI's answer, or the result of a failure. */
async function fetchProviderResults(cid: string, options: QueryIndexOptions): Promise<unknown[] | IndexResult> {
  const { signal, retries = IPNI_RETRIES, minBackoffMs = IPNI_MIN_BACKOFF_MS, maxBackoffMs = IPNI_MAX_BACKOFF_MS } = options
  const fetch = options.fetch ?? globalThis.fetch
  const url = `${options.indexerUrl.replace(/\/+$/, '')}/cid/${encodeURIComponent(cid)}`

  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    const timeout = AbortSignal.timeout(options.attemptTimeoutMs ?? IPNI_ATTEMPT_TIMEOUT_MS)
    const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, signal: attemptSignal })
      if (res.status >= 500 && attempt < retries) {
        await res.body?.cancel()
        await delay(backoffDelay(attempt, minBackoffMs, maxBackoffMs), { signal })
        continue
      }
      if (!res.ok) {
        await res.body?.cancel()
        return { indexerResult: `ERROR_${res.status}` }
      }
      const json = (await readBoundedJson(res, options.maxResponseBytes ?? IPNI_MAX_RESPONSE_BYTES)) as { MultihashResults?: unknown }
      // Spark: `MultihashResults.flatMap(r => r.ProviderResults)` throws on any other shape
      if (!Array.isArray(json?.MultihashResults)) return { indexerResult: 'ERROR_FETCH', error: 'the answer has no MultihashResults' }
      return json.MultihashResults.flatMap((r: { ProviderResults?: unknown } | null) =>
        Array.isArray(r?.ProviderResults) ? r.ProviderResults : [],
      )
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      return { indexerResult: 'ERROR_FETCH', error: describeError(err) }
    }
  }
}

interface ProviderRecord {
  Provider?: { ID?: unknown; Addrs?: unknown }
  Metadata?: unknown
}

function pickProvider(records: unknown[], providerId: string, bitswap: boolean): IndexResult {
  const first: Partial<Record<RetrievalProtocol, string>> = {}
  for (const record of records as ProviderRecord[]) {
    if (record?.Provider?.ID !== providerId) continue
    const protocol = metadataProtocol(record.Metadata)
    const addrs = record.Provider.Addrs
    const addr = Array.isArray(addrs) ? addrs[0] : undefined
    // Spark: a record without an address is skipped; one a measurement could not hold is too
    if (protocol === undefined || typeof addr !== 'string' || !PRINTABLE_ASCII.test(addr)) continue
    // libp2p transports are dialled by peer id, so the address names it (Spark: graphsync)
    const address = protocol === 'http' ? addr : `${addr}/p2p/${providerId}`
    if (address.length <= MAX_ADDRESS_LENGTH) first[protocol] ??= address
  }

  if (first.http !== undefined) return { indexerResult: 'OK', provider: { address: first.http, protocol: 'http' } }
  if (bitswap && first.bitswap !== undefined) return { indexerResult: 'OK', provider: { address: first.bitswap, protocol: 'bitswap' } }
  if (first.graphsync !== undefined) {
    return { indexerResult: 'HTTP_NOT_ADVERTISED', provider: { address: first.graphsync, protocol: 'graphsync' } }
  }
  return { indexerResult: 'NO_VALID_ADVERTISEMENT' }
}
