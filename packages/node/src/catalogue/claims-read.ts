import type { LotusRpcInit } from '../retrieval/lotus-rpc.js'
import { readRpcMap } from './rpc-map-read.js'

/**
 * `Filecoin.StateGetAllClaims` at `tipset`: the verified registry's claims (data onboarded with
 * DataCap, directly (DDO) or through a verified market deal), a map of claim id to
 * `{Provider, Client, Data, Size, TermMin, TermMax, TermStart, Sector}`, each handed to `onClaim`
 * as it arrives (mainnet holds millions). Errors as for StateMarketDeals.
 */
export function readAllClaims(
  init: Pick<LotusRpcInit, 'rpcUrl' | 'token' | 'fetch'>,
  tipset: unknown,
  onClaim: (claimId: string, claim: unknown) => void,
  options: { signal?: AbortSignal; onBytes?: (bytesSoFar: number) => void },
): Promise<void> {
  return readRpcMap(init, { method: 'Filecoin.StateGetAllClaims', params: [tipset], what: 'claim id to claim' }, onClaim, options)
}
