import type { Catalogue, CatalogueEntry } from '@spark-swarm/protocol'
import { RetrievalError } from '../retrieval/errors.js'
import { createRpcCaller, type LotusRpcInit, rpcFailure } from '../retrieval/lotus-rpc.js'
import { type ClaimCount, createClaimCounter, createMarketSectors } from './claim-selection.js'
import { readAllClaims } from './claims-read.js'
import { createDealSelector, type DealSelection } from './deal-selection.js'
import { readMarketDeals } from './market-deals-read.js'
import { readMinerPeers } from './miner-peers.js'

/*
 * A catalogue from Filecoin state, read from one Lotus node at one tipset: ChainHead, then
 * StateMarketDeals, StateGetAllClaims (counted, never entries: see claim-selection.ts) and each
 * provider's StateMinerInfo at that head. The same tipset gives the same catalogue, entry for
 * entry, so every tracker that builds one from it agrees on its CID.
 */

/** What a long read reports, for a progress line. */
export type CatalogueProgress =
  | { phase: 'head'; height: number }
  | { phase: 'deals'; bytes: number }
  | { phase: 'selected'; dealsRead: number; kept: number }
  | { phase: 'claims'; bytes: number }
  | { phase: 'claims-counted'; claimsRead: number | null; unread?: string }
  | { phase: 'miners'; done: number; total: number }

export interface BuildCatalogueInit extends Pick<LotusRpcInit, 'rpcUrl' | 'token' | 'fetch'> {
  minerConcurrency?: number
  onProgress?: (progress: CatalogueProgress) => void
  signal?: AbortSignal
}

export interface BuiltCatalogue extends DealSelection, ClaimCount {
  catalogue: Catalogue
  height: number
  /** Miners of kept deals, and how many of them have no usable peer id on chain. */
  miners: number
  minersWithoutPeerId: number
}

/** ChainHead is small and quick; the deals read has no time limit, as mainnet's takes long. */
const HEAD_TIMEOUT_MS = 30_000

export async function buildCatalogueFromChain(init: BuildCatalogueInit): Promise<BuiltCatalogue> {
  const onProgress = init.onProgress
  const rpc = { rpcUrl: init.rpcUrl, ...(init.token ? { token: init.token } : {}), ...(init.fetch ? { fetch: init.fetch } : {}) }
  const call = createRpcCaller(rpc)
  const signal = init.signal

  const head = (await call('Filecoin.ChainHead', [], signal ?? AbortSignal.timeout(HEAD_TIMEOUT_MS))) as {
    Cids?: unknown
    Height?: unknown
  } | null
  if (!Array.isArray(head?.Cids) || typeof head.Height !== 'number') {
    throw rpcFailure('Filecoin.ChainHead did not return a tipset (no Cids and Height)', false)
  }
  const tipset = head.Cids
  const height = head.Height
  onProgress?.({ phase: 'head', height })

  const selector = createDealSelector(height)
  const sectors = createMarketSectors()
  await readMarketDeals(
    rpc,
    tipset,
    (_id, deal) => {
      selector.add(deal)
      sectors.add(deal)
    },
    {
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onBytes: (bytes: number) => onProgress({ phase: 'deals', bytes }) } : {}),
    },
  )
  const selection = selector.result()
  onProgress?.({ phase: 'selected', dealsRead: selection.dealsRead, kept: selection.tasks.length })

  const claims = createClaimCounter(height, sectors)
  let claimCount: ClaimCount
  try {
    await readAllClaims(rpc, tipset, (_id, claim) => claims.add(claim), {
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onBytes: (bytes: number) => onProgress({ phase: 'claims', bytes }) } : {}),
    })
    claimCount = claims.result()
  } catch (err) {
    // claims add no entry, only counts: an endpoint that refuses the call (older than Lotus 1.26,
    // or a gateway that blocks it) still gives the deals' catalogue; a cut connection fails as for deals
    if (!(err instanceof RetrievalError) || err.meta.retryable === true) throw err
    claimCount = { claimsRead: null, claimsDropped: {}, claimsUnread: err.message }
  }
  onProgress?.({
    phase: 'claims-counted',
    claimsRead: claimCount.claimsRead,
    ...(claimCount.claimsUnread ? { unread: claimCount.claimsUnread } : {}),
  })

  const miners = [...new Set(selection.tasks.map((t) => t.minerId))].sort()
  const peers = await readMinerPeers(call, miners, tipset, {
    ...(signal ? { signal } : {}),
    ...(init.minerConcurrency ? { concurrency: init.minerConcurrency } : {}),
    ...(onProgress ? { onProgress: (done: number) => onProgress({ phase: 'miners', done, total: miners.length }) } : {}),
  })
  const entries: CatalogueEntry[] = selection.tasks.map((t) => {
    const providerId = peers.get(t.minerId)
    return providerId === undefined ? { cid: t.cid, minerId: t.minerId } : { cid: t.cid, minerId: t.minerId, providerId }
  })
  return {
    ...selection,
    ...claimCount,
    catalogue: { entries },
    height,
    miners: miners.length,
    minersWithoutPeerId: miners.length - peers.size,
  }
}
