import type { Measurement } from '@spark-swarm/protocol'

/** `fetch` as Node (undici) provides it; injectable so a node can route requests elsewhere. */
export type FetchLike = typeof globalThis.fetch

export interface AbortOptions {
  signal?: AbortSignal
}

/** How IPNI says the provider serves a CID. */
export type RetrievalProtocol = 'http' | 'bitswap' | 'graphsync'

/** One step of a check, as the CLI prints it. */
export interface StepLog {
  step: 'provider-lookup' | 'ipni' | 'retrieval' | 'verification' | 'head'
  ok: boolean
  /** One line for people; may hold provider-supplied text (addresses), so print it, don't log it above debug. */
  detail: string
  /** Wall time of the step in milliseconds. */
  ms: number
}

/** The measurement fields a retrieval check decides; the node adds round, station, signature. */
export type MeasurementFields = Pick<
  Measurement,
  | 'indexerResult'
  | 'protocol'
  | 'providerId'
  | 'providerAddress'
  | 'statusCode'
  | 'headStatusCode'
  | 'timeout'
  | 'carTooLarge'
  | 'byteLength'
  | 'carChecksum'
  | 'startAt'
  | 'firstByteAt'
  | 'endAt'
  | 'retrievalResult'
>

/** What a retrieval itself measured (gateway or bitswap): the fields after the IPNI lookup. */
export type RetrievalFields = Pick<
  MeasurementFields,
  'statusCode' | 'headStatusCode' | 'timeout' | 'carTooLarge' | 'byteLength' | 'carChecksum' | 'startAt' | 'firstByteAt' | 'endAt'
>

/**
 * What a bitswap fetch of the root block reports. The fetcher verifies the block against the CID
 * itself and sets `statusCode` 200 on success, or a synthetic code (600 unknown, 802 refused,
 * 901/902 verification) on failure; `carChecksum` is `1220` + hex SHA-256 of the block. It honours
 * `signal` and sets `timeout` when `timeoutMs` (Spark's hard limit) runs out.
 */
export type BitswapResult = Omit<RetrievalFields, 'headStatusCode' | 'carTooLarge'>

export interface BitswapFetchOptions {
  signal?: AbortSignal
  timeoutMs?: number
}

/** Fetches a CID's root block over bitswap from `address` (a multiaddr ending in `/p2p/<peer id>`). */
export type BitswapFetch = (address: string, cid: string, options: BitswapFetchOptions) => Promise<BitswapResult>

/** A bitswap fetch function, or an object with one (as `createBitswapFetcher` in src/bitswap builds). */
export type BitswapSource = BitswapFetch | { fetch: BitswapFetch }
