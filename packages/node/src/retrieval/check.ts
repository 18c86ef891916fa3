import { type CatalogueEntry, retrievalResultOf } from '@spark-swarm/protocol'
import { scopedSignal } from '../util/scoped-signal.js'
import { CHECK_CONCURRENCY } from './constants.js'
import { describeError, RetrievalError } from './errors.js'
import { type IndexProvider, type IndexResult, type QueryIndexOptions, queryIndex } from './ipni.js'
import { Semaphore, TokenBucket } from './limits.js'
import { isPeerIdText, type MinerResolver } from './miner-info.js'
import { type RetrieveContext, retrieve } from './retrieve.js'
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

export interface RetrievalChecker {
  check(task: CheckTask, options?: AbortOptions): Promise<CheckOutcome>
  /** Outcomes so far: `measurement` and each no-measurement reason. */
  readonly counts: Readonly<Record<string, number>>
}

/** What each check of one checker uses: its parts, the shared retrieval context, its counts. */
interface CheckParts {
  components: RetrievalCheckerComponents
  ipni: RetrievalCheckerInit['ipni']
  retrieval: RetrieveContext
  count: (key: string) => void
}

/** A bitswap source as one function: the node passes its bitswap fetcher, an object; tests pass a function. */
function bitswapFetchOf(components: RetrievalCheckerComponents): BitswapFetch | undefined {
  return typeof components.bitswap === 'function'
    ? components.bitswap
    : components.bitswap && ((address, cid, options) => (components.bitswap as { fetch: BitswapFetch }).fetch(address, cid, options))
}

/** The steps of one check, each timed from the end of the one before. */
function stepLog(): { steps: StepLog[]; log: (step: StepLog['step'], ok: boolean, detail: string) => void } {
  const steps: StepLog[] = []
  let began = performance.now()
  const log = (step: StepLog['step'], ok: boolean, detail: string) => {
    steps.push({ step, ok, detail, ms: Math.round(performance.now() - began) })
    began = performance.now()
  }
  return { steps, log }
}

/** Step 1: the provider's peer id, from the catalogue or the chain; it must look like one. */
async function findProvider(task: CheckTask, resolver: MinerResolver, signal: AbortSignal | undefined): Promise<string> {
  const peerId = task.providerId ?? (await resolver.resolve(task.minerId, { signal }))
  if (!isPeerIdText(peerId))
    throw new RetrievalError('RPC_FAILURE', `the peer id of miner ${task.minerId} is not usable: ${String(peerId).slice(0, 140)}`)
  return peerId
}

/** The measurement's fields: what IPNI said, and the retrieval's fields over the defaults of none. */
function measurementFields(
  indexerResult: string,
  providerId: string,
  provider: IndexProvider | undefined,
  retrieval: RetrievalFields | null,
): MeasurementFields {
  const outcome = {
    indexerResult,
    protocol: provider ? provider.protocol : null,
    providerId,
    providerAddress: provider ? provider.address : null,
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
  return { ...outcome, retrievalResult: retrievalResultOf(outcome) }
}

/** Whether IPNI's answer names a provider to retrieve from (HTTP_NOT_ADVERTISED: the graphsync record). */
function usableProvider(index: IndexResult): IndexProvider | undefined {
  const { indexerResult, provider } = index
  return provider !== undefined && (indexerResult === 'OK' || indexerResult === 'HTTP_NOT_ADVERTISED') ? provider : undefined
}

/** One check, step by step: provider lookup → IPNI → retrieval → measurement. */
async function runCheck(task: CheckTask, signal: AbortSignal | undefined, parts: CheckParts): Promise<CheckOutcome> {
  const { steps, log } = stepLog()
  let providerId: string
  try {
    providerId = await findProvider(task, parts.components.minerResolver, signal)
    log('provider-lookup', true, task.providerId === undefined ? providerId : `${providerId} (from the catalogue)`)
  } catch (err) {
    if (signal?.aborted) throw signal.reason
    const detail = describeError(err)
    log('provider-lookup', false, detail)
    parts.count('RPC_FAILURE')
    return { kind: 'no-measurement', reason: 'RPC_FAILURE', detail, steps }
  }

  const index = await queryIndex(task.cid, providerId, {
    ...parts.ipni,
    indexerUrl: parts.components.indexerUrl,
    fetch: parts.components.fetch,
    signal,
    bitswap: parts.retrieval.bitswap !== undefined,
  })
  const { indexerResult, provider } = index
  const found = usableProvider(index)
  log(
    'ipni',
    found !== undefined,
    provider ? `${indexerResult}: ${provider.protocol} ${provider.address}` : [indexerResult, index.error].filter(Boolean).join(': '),
  )

  let retrieval: RetrievalFields | null = null
  if (found) {
    const got = await retrieve(found, task.cid, signal, parts.retrieval)
    retrieval = got.fields
    steps.push(...got.steps)
  }
  parts.count('measurement')
  return { kind: 'measurement', fields: measurementFields(indexerResult, providerId, found, retrieval), steps }
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
  const semaphore = new Semaphore(init.concurrency ?? CHECK_CONCURRENCY)
  const counts: Record<string, number> = { measurement: 0 }
  const parts: CheckParts = {
    components,
    ipni: init.ipni,
    retrieval: {
      idleTimeoutMs: init.idleTimeoutMs,
      hardTimeoutMs: init.hardTimeoutMs,
      headTimeoutMs: init.headTimeoutMs,
      maxBytes: init.maxBytes,
      bandwidth: new TokenBucket(init.bandwidth),
      fetch: components.fetch,
      bitswap: bitswapFetchOf(components),
      clock: components.clock ?? Date.now,
    },
    count: (key) => {
      counts[key] = (counts[key] ?? 0) + 1
    },
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
          return await runCheck(task, scope.signal, parts)
        } finally {
          release()
        }
      } finally {
        scope.clear()
      }
    },
  }
}
