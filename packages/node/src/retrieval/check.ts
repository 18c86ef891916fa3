import { type CatalogueEntry, retrievalResultOf } from '@spark-swarm/protocol'
import { scopedSignal } from '../util/scoped-signal.js'
import { CHECK_CONCURRENCY, HARD_TIMEOUT_MS } from './constants.js'
import { describeError, mapErrorToStatusCode, RetrievalError } from './errors.js'
import { fetchFromGateway } from './gateway.js'
import { type IndexProvider, type QueryIndexOptions, queryIndex } from './ipni.js'
import { Semaphore, TokenBucket } from './limits.js'
import { isPeerIdText, type MinerResolver } from './miner-info.js'
import type { AbortOptions, BitswapFetch, BitswapSource, FetchLike, MeasurementFields, RetrievalFields, StepLog } from './types.js'

export interface RetrievalCheckerComponents {
  minerResolver: MinerResolver
  /** e.g. `https://cid.contact` */
  indexerUrl: string
  fetch?: FetchLike
  /** Without one, bitswap records are ignored, as Spark ignores them (see `check`). */
  bitswap?: BitswapSource
  /** Unix milliseconds for the measurement's times. */
  clock?: () => number
}

export interface RetrievalCheckerInit {
  idleTimeoutMs?: number
  hardTimeoutMs?: number
  headTimeoutMs?: number
  maxBytes?: number
  /** Checks in flight at once. */
  concurrency?: number
  /** Download limit shared by all checks; unlimited by default. */
  bandwidth?: { bytesPerSecond?: number; burstBytes?: number }
  /** IPNI retries, backoff and limits. */
  ipni?: Pick<QueryIndexOptions, 'retries' | 'minBackoffMs' | 'maxBackoffMs' | 'attemptTimeoutMs' | 'maxResponseBytes'>
}

/** A task, with the provider's peer id when the catalogue names it (no chain lookup then). */
export type CheckTask = CatalogueEntry

export type CheckOutcome =
  | { kind: 'measurement'; fields: MeasurementFields; steps: StepLog[] }
  /** No measurement: the provider's peer id could not be found, which says nothing about the provider. */
  | { kind: 'no-measurement'; reason: 'RPC_FAILURE'; detail: string; steps: StepLog[] }

/** What a retrieval gave: its fields (null when none was attempted) and its steps. */
interface Retrieved {
  fields: RetrievalFields | null
  steps: StepLog[]
}

export interface RetrievalChecker {
  check(task: CheckTask, options?: AbortOptions): Promise<CheckOutcome>
  /** Outcomes so far: `measurement` and each no-measurement reason. */
  readonly counts: Readonly<Record<string, number>>
}

/**
 * Builds the retrieval check of a node (Spark's `executeRetrievalCheck`): provider peer id →
 * IPNI → retrieval → measurement fields, with `retrievalResult` from the protocol's
 * `retrievalResultOf`. At most `concurrency` checks run at once; all share one bandwidth limit.
 * A check rejects only when its `signal` aborts: a cancelled check is no measurement.
 *
 * Protocol choices, in IPNI's order (http, bitswap, graphsync):
 * - http: trustless gateway GET, then the HEAD probe;
 * - bitswap: only with a `bitswap` component. Without one the node does not pick bitswap at all,
 *   exactly like Spark's checker; it does not report a failure the provider did not cause. Whether
 *   bitswap is used must be the same on every node of a network, or committees split.
 * - graphsync (HTTP_NOT_ADVERTISED): no client here (Spark used Lassie); the measurement records
 *   the advertisement with no retrieval, so its result is UNKNOWN_ERROR.
 */
export function createRetrievalChecker(init: RetrievalCheckerInit, components: RetrievalCheckerComponents): RetrievalChecker {
  const clock = components.clock ?? Date.now
  const semaphore = new Semaphore(init.concurrency ?? CHECK_CONCURRENCY)
  const bandwidth = new TokenBucket(init.bandwidth)
  const bitswap: BitswapFetch | undefined =
    typeof components.bitswap === 'function'
      ? components.bitswap
      : components.bitswap && ((address, cid, options) => (components.bitswap as { fetch: BitswapFetch }).fetch(address, cid, options))
  const counts: Record<string, number> = { measurement: 0 }
  const count = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1
  }

  async function findProvider(task: CheckTask, signal: AbortSignal | undefined): Promise<string> {
    const peerId = task.providerId ?? (await components.minerResolver.resolve(task.minerId, { signal }))
    if (!isPeerIdText(peerId))
      throw new RetrievalError('RPC_FAILURE', `the peer id of miner ${task.minerId} is not usable: ${String(peerId).slice(0, 140)}`)
    return peerId
  }

  async function retrieve(provider: IndexProvider, cid: string, signal: AbortSignal | undefined): Promise<Retrieved> {
    if (provider.protocol === 'http') {
      return fetchFromGateway({
        address: provider.address,
        cid,
        signal,
        idleTimeoutMs: init.idleTimeoutMs,
        hardTimeoutMs: init.hardTimeoutMs,
        headTimeoutMs: init.headTimeoutMs,
        maxBytes: init.maxBytes,
        bandwidth,
        fetch: components.fetch,
        clock,
      })
    }
    if (provider.protocol === 'bitswap' && bitswap) return fetchOverBitswap(bitswap, provider.address, cid, signal)
    return {
      fields: null,
      steps: [{ step: 'retrieval', ok: false, detail: `${provider.protocol} retrieval is not supported; none attempted`, ms: 0 }],
    }
  }

  async function fetchOverBitswap(fetch: BitswapFetch, address: string, cid: string, signal: AbortSignal | undefined): Promise<Retrieved> {
    const hardTimeoutMs = init.hardTimeoutMs ?? HARD_TIMEOUT_MS
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

  async function run(task: CheckTask, signal: AbortSignal | undefined): Promise<CheckOutcome> {
    const steps: StepLog[] = []
    let began = performance.now()
    const log = (step: StepLog['step'], ok: boolean, detail: string) => {
      steps.push({ step, ok, detail, ms: Math.round(performance.now() - began) })
      began = performance.now()
    }

    let providerId: string
    try {
      providerId = await findProvider(task, signal)
      log('provider-lookup', true, task.providerId === undefined ? providerId : `${providerId} (from the catalogue)`)
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      const detail = describeError(err)
      log('provider-lookup', false, detail)
      count('RPC_FAILURE')
      return { kind: 'no-measurement', reason: 'RPC_FAILURE', detail, steps }
    }

    const index = await queryIndex(task.cid, providerId, {
      ...init.ipni,
      indexerUrl: components.indexerUrl,
      fetch: components.fetch,
      signal,
      bitswap: bitswap !== undefined,
    })
    const { indexerResult, provider } = index
    const found = provider !== undefined && (indexerResult === 'OK' || indexerResult === 'HTTP_NOT_ADVERTISED')
    log(
      'ipni',
      found,
      provider ? `${indexerResult}: ${provider.protocol} ${provider.address}` : [indexerResult, index.error].filter(Boolean).join(': '),
    )

    let retrieval: RetrievalFields | null = null
    if (found) {
      const got = await retrieve(provider, task.cid, signal)
      retrieval = got.fields
      steps.push(...got.steps)
    }

    const outcome = {
      indexerResult,
      protocol: found ? provider.protocol : null,
      providerId,
      providerAddress: found ? provider.address : null,
      statusCode: null,
      headStatusCode: null,
      timeout: false,
      carTooLarge: false,
      byteLength: null,
      carChecksum: null,
      startAt: null,
      firstByteAt: null,
      endAt: null,
      ...retrieval,
    }
    count('measurement')
    return { kind: 'measurement', fields: { ...outcome, retrievalResult: retrievalResultOf(outcome) }, steps }
  }

  return {
    counts,
    async check(task, options = {}) {
      // one signal per check: what the steps and libraries hang on it goes away with the check,
      // not onto the caller's long-lived signal (see scopedSignal)
      const scope = scopedSignal([options.signal])
      try {
        const release = await semaphore.acquire({ signal: scope.signal })
        try {
          return await run(task, scope.signal)
        } finally {
          release()
        }
      } finally {
        scope.clear()
      }
    },
  }
}
