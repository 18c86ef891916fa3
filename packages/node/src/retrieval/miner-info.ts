import { backoffDelay, delay } from './backoff.js'
import { RPC_ATTEMPT_TIMEOUT_MS, RPC_MAX_BACKOFF_MS, RPC_MIN_BACKOFF_MS, RPC_RETRIES, RPC_TOTAL_TIMEOUT_MS } from './constants.js'
import { describeError, RetrievalError } from './errors.js'
import { createRpcCaller, type LotusRpcInit, rpcFailure } from './lotus-rpc.js'
import type { AbortOptions } from './types.js'

/**
 * Finds the libp2p peer id a storage provider (miner actor) advertises to IPNI under. Rejects
 * with RetrievalError RPC_FAILURE when it cannot: the check then records no measurement, since an
 * RPC outage says nothing about the provider (Spark's result-code table: "RPC Failure" does not count).
 */
export interface MinerResolver {
  resolve(minerId: string, options?: AbortOptions): Promise<string>
}

export interface RpcMinerResolverInit extends LotusRpcInit {
  /** Retries after transient failures (network, timeout, 5xx, 429); total attempts are retries + 1. */
  retries?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  /** Budget of the whole lookup, retries included (Spark: 60 s). */
  totalTimeoutMs?: number
  attemptTimeoutMs?: number
}

// Lotus prints peer ids in base58btc or as a CIDv1 in base32; both are alphanumeric, and a
// measurement holds at most 128 characters of one.
const PEER_ID = /^[A-Za-z0-9]{1,128}$/

/** Whether a string can be a peer id in a measurement (not whether the key is valid). */
export function isPeerIdText(value: unknown): value is string {
  return typeof value === 'string' && PEER_ID.test(value)
}

/**
 * Resolves miners with Lotus' `Filecoin.ChainHead` then `Filecoin.StateMinerInfo(minerId, head)`,
 * as Spark's fallback path does (Spark first asks Curio's MinerPeerIDMapping contract; not here).
 * A JSON-RPC error (e.g. an unknown actor) or a miner without a peer id is final; transient
 * failures are retried with exponential backoff until `retries` or `totalTimeoutMs` run out.
 */
export function createRpcMinerResolver(init: RpcMinerResolverInit): MinerResolver {
  const retries = init.retries ?? RPC_RETRIES
  const minBackoffMs = init.minBackoffMs ?? RPC_MIN_BACKOFF_MS
  const maxBackoffMs = init.maxBackoffMs ?? RPC_MAX_BACKOFF_MS
  const call = createRpcCaller(init)

  async function attempt(minerId: string, signal: AbortSignal): Promise<string> {
    const head = (await call('Filecoin.ChainHead', [], signal)) as { Cids?: unknown } | null
    if (!Array.isArray(head?.Cids)) throw rpcFailure('Filecoin.ChainHead returned no tipset key', true)
    const info = (await call('Filecoin.StateMinerInfo', [minerId, head.Cids], signal)) as { PeerId?: unknown } | null
    const peerId = info?.PeerId
    if (!isPeerIdText(peerId)) {
      throw rpcFailure(`miner ${minerId} has no usable peer id on chain`, false)
    }
    return peerId
  }

  return {
    async resolve(minerId, options = {}) {
      const { signal } = options
      const budget = AbortSignal.timeout(init.totalTimeoutMs ?? RPC_TOTAL_TIMEOUT_MS)
      const overall = signal ? AbortSignal.any([signal, budget]) : budget
      let last: unknown
      for (let n = 0; n <= retries; n++) {
        const attemptTimeout = AbortSignal.timeout(init.attemptTimeoutMs ?? RPC_ATTEMPT_TIMEOUT_MS)
        try {
          return await attempt(minerId, AbortSignal.any([overall, attemptTimeout]))
        } catch (err) {
          if (signal?.aborted) throw signal.reason
          last = err
          if (err instanceof RetrievalError && err.meta.retryable === false) throw err
          if (n === retries || budget.aborted) break
          try {
            await delay(backoffDelay(n, minBackoffMs, maxBackoffMs), { signal: overall })
          } catch {
            if (signal?.aborted) throw signal.reason
            break // the budget ran out while waiting
          }
        }
      }
      throw new RetrievalError('RPC_FAILURE', `could not resolve miner ${minerId}: ${describeError(last)}`, {
        cause: last,
        meta: { minerId },
      })
    },
  }
}

/** A miner and, when known, its peer id: what a catalogue entry carries. */
export interface MinerPeer {
  minerId: string
  providerId?: string
}

/**
 * Resolves miners from a fixed table, e.g. the catalogue entries that carry `providerId`, or a
 * `{ minerId: peerId }` record. An unknown miner is RPC_FAILURE, as the chain lookup would be.
 */
export function createStaticMinerResolver(entries: Iterable<MinerPeer>): MinerResolver
export function createStaticMinerResolver(table: Readonly<Record<string, string>>): MinerResolver
export function createStaticMinerResolver(source: Iterable<MinerPeer> | Readonly<Record<string, string>>): MinerResolver {
  const entries: Iterable<MinerPeer> =
    Symbol.iterator in source
      ? (source as Iterable<MinerPeer>)
      : Object.entries(source).map(([minerId, providerId]) => ({ minerId, providerId }))
  const table = new Map<string, string>()
  for (const { minerId, providerId } of entries) {
    if (providerId === undefined) continue
    const known = table.get(minerId)
    if (known !== undefined && known !== providerId) {
      throw new RetrievalError('INVALID_MINER_MAP', `miner ${minerId} is given two peer ids: ${known} and ${providerId}`)
    }
    table.set(minerId, providerId)
  }
  return {
    async resolve(minerId, options = {}) {
      options.signal?.throwIfAborted()
      const peerId = table.get(minerId)
      if (peerId === undefined) throw new RetrievalError('RPC_FAILURE', `no peer id is known for miner ${minerId}`, { meta: { minerId } })
      return peerId
    },
  }
}
