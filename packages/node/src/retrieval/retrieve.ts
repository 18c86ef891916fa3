import { HARD_TIMEOUT_MS } from './constants.js'
import { mapErrorToStatusCode } from './errors.js'
import { fetchFromGateway } from './gateway.js'
import type { IndexProvider } from './ipni.js'
import type { TokenBucket } from './limits.js'
import type { BitswapFetch, FetchLike, RetrievalFields, StepLog } from './types.js'

/** What a retrieval gave: its fields (null when none was attempted) and its steps. */
export interface Retrieved {
  fields: RetrievalFields | null
  steps: StepLog[]
}

/** What every retrieval of one checker shares: its limits, its clients and its clock. */
export interface RetrieveContext {
  idleTimeoutMs?: number
  hardTimeoutMs?: number
  headTimeoutMs?: number
  maxBytes?: number
  /** Shared by all checks of the checker. */
  bandwidth: TokenBucket
  fetch?: FetchLike
  /** Without one, no bitswap retrieval (see `createRetrievalChecker`). */
  bitswap?: BitswapFetch
  clock: () => number
}

/**
 * Retrieves `cid` from the provider IPNI chose, over its protocol: http (trustless gateway and the
 * HEAD probe), bitswap when the checker has a client; anything else is recorded, not attempted.
 */
export async function retrieve(
  provider: IndexProvider,
  cid: string,
  signal: AbortSignal | undefined,
  ctx: RetrieveContext,
): Promise<Retrieved> {
  if (provider.protocol === 'http') {
    return fetchFromGateway({
      address: provider.address,
      cid,
      signal,
      idleTimeoutMs: ctx.idleTimeoutMs,
      hardTimeoutMs: ctx.hardTimeoutMs,
      headTimeoutMs: ctx.headTimeoutMs,
      maxBytes: ctx.maxBytes,
      bandwidth: ctx.bandwidth,
      fetch: ctx.fetch,
      clock: ctx.clock,
    })
  }
  if (provider.protocol === 'bitswap' && ctx.bitswap) return fetchOverBitswap(ctx.bitswap, provider.address, cid, signal, ctx)
  return {
    fields: null,
    steps: [{ step: 'retrieval', ok: false, detail: `${provider.protocol} retrieval is not supported; none attempted`, ms: 0 }],
  }
}

async function fetchOverBitswap(
  fetch: BitswapFetch,
  address: string,
  cid: string,
  signal: AbortSignal | undefined,
  ctx: RetrieveContext,
): Promise<Retrieved> {
  const hardTimeoutMs = ctx.hardTimeoutMs ?? HARD_TIMEOUT_MS
  const clock = ctx.clock
  const began = performance.now()
  const startAt = clock()
  let fields: RetrievalFields
  try {
    const got = await fetch(address, cid, { signal, timeoutMs: hardTimeoutMs })
    // copied field by field: anything else a fetcher returns must not reach the measurement
    fields = {
      statusCode: got.statusCode,
      headStatusCode: null,
      timeout: got.timeout,
      carTooLarge: false,
      byteLength: got.byteLength,
      carChecksum: got.carChecksum,
      startAt: got.startAt,
      firstByteAt: got.firstByteAt,
      endAt: got.endAt,
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason
    const statusCode = mapErrorToStatusCode(err)
    fields = {
      statusCode,
      headStatusCode: null,
      timeout: false,
      carTooLarge: false,
      byteLength: null,
      carChecksum: null,
      startAt,
      firstByteAt: null,
      endAt: clock(),
    }
  }
  const ok = fields.statusCode !== null && fields.statusCode >= 200 && fields.statusCode < 300 && !fields.timeout
  const detail = fields.timeout ? 'timed out' : `status ${fields.statusCode}, ${fields.byteLength ?? 0} bytes`
  return { fields, steps: [{ step: 'retrieval', ok, detail, ms: Math.round(performance.now() - began) }] }
}
