import type { LotusRpcInit } from '../retrieval/lotus-rpc.js'
import { readRpcMap } from './rpc-map-read.js'

/**
 * `Filecoin.StateMarketDeals` at `tipset`, each deal handed to `onDeal` as it arrives: memory
 * stays that of one deal however large the market (mainnet's answer is many GiB). A JSON-RPC
 * error, or a result that is not a map of deal id to deal, is a non-retryable RPC_FAILURE.
 */
export function readMarketDeals(
  init: Pick<LotusRpcInit, 'rpcUrl' | 'token' | 'fetch'>,
  tipset: unknown,
  onDeal: (dealId: string, deal: unknown) => void,
  options: { signal?: AbortSignal; onBytes?: (bytesSoFar: number) => void },
): Promise<void> {
  return readRpcMap(init, { method: 'Filecoin.StateMarketDeals', params: [tipset], what: 'deal id to deal' }, onDeal, options)
}
