import type { Catalogue, CatalogueEntry } from '@spark-swarm/protocol'
import { createRpcCaller, type LotusRpcInit, rpcFailure } from '../retrieval/lotus-rpc.js'
import { type DealSelection, selectDeals } from './deal-selection.js'
import { readMinerPeers } from './miner-peers.js'

/*
 * A catalogue from Filecoin state, read from one Lotus node at one tipset: ChainHead, then
 * StateMarketDeals and each provider's StateMinerInfo at that head. The same tipset gives the
 * same catalogue, entry for entry, so every tracker that builds one from it agrees on its CID.
 */

/** What a long read reports, for a progress line. */
export type CatalogueProgress =
  | { phase: 'head'; height: number }
  | { phase: 'deals'; bytes: number }
  | { phase: 'selected'; dealsRead: number; kept: number }
  | { phase: 'miners'; done: number; total: number }

export interface BuildCatalogueInit extends Pick<LotusRpcInit, 'rpcUrl' | 'token' | 'fetch'> {
  /** The StateMarketDeals answer read at most; mainnet's is many GiB (see docs/operators.md). */
  maxDealsBytes?: number
  minerConcurrency?: number
  onProgress?: (progress: CatalogueProgress) => void
  signal?: AbortSignal
}

export interface BuiltCatalogue extends DealSelection {
  catalogue: Catalogue
  height: number
  /** Miners of kept deals, and how many of them have no usable peer id on chain. */
  miners: number
  minersWithoutPeerId: number
}

/** Default bound of the deals answer: 512 MiB, about the longest string V8 can parse at once. */
export const MAX_DEALS_BYTES = 512 * 1024 * 1024

export async function buildCatalogueFromChain(init: BuildCatalogueInit): Promise<BuiltCatalogue> {
  const onProgress = init.onProgress
  const call = createRpcCaller({
    rpcUrl: init.rpcUrl,
    ...(init.token ? { token: init.token } : {}),
    ...(init.fetch ? { fetch: init.fetch } : {}),
    maxResponseBytes: init.maxDealsBytes ?? MAX_DEALS_BYTES,
    onResponseBytes: (method, bytes) => {
      if (method === 'Filecoin.StateMarketDeals') onProgress?.({ phase: 'deals', bytes })
    },
  })
  const signal = init.signal ?? new AbortController().signal

  const head = (await call('Filecoin.ChainHead', [], signal)) as { Cids?: unknown; Height?: unknown } | null
  if (!Array.isArray(head?.Cids) || typeof head.Height !== 'number') {
    throw rpcFailure('Filecoin.ChainHead did not return a tipset (no Cids and Height)', false)
  }
  const tipset = head.Cids
  const height = head.Height
  onProgress?.({ phase: 'head', height })

  const deals = await call('Filecoin.StateMarketDeals', [tipset], signal)
  if (typeof deals !== 'object' || deals === null || Array.isArray(deals)) {
    throw rpcFailure(`Filecoin.StateMarketDeals did not return a map of deal id to deal (got ${describeShape(deals)})`, false)
  }
  const selection = selectDeals(deals as Record<string, unknown>, height)
  onProgress?.({ phase: 'selected', dealsRead: selection.dealsRead, kept: selection.tasks.length })

  const miners = [...new Set(selection.tasks.map((t) => t.minerId))].sort()
  const peers = await readMinerPeers(call, miners, tipset, {
    signal,
    ...(init.minerConcurrency ? { concurrency: init.minerConcurrency } : {}),
    ...(onProgress ? { onProgress: (done: number) => onProgress({ phase: 'miners', done, total: miners.length }) } : {}),
  })
  const entries: CatalogueEntry[] = selection.tasks.map((t) => {
    const providerId = peers.get(t.minerId)
    return providerId === undefined ? { cid: t.cid, minerId: t.minerId } : { cid: t.cid, minerId: t.minerId, providerId }
  })
  return { ...selection, catalogue: { entries }, height, miners: miners.length, minersWithoutPeerId: miners.length - peers.size }
}

function describeShape(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}
