import { describeError } from '../retrieval/errors.js'
import type { LotusRpcInit } from '../retrieval/lotus-rpc.js'
import { createRpcPoster, rpcFailure } from '../retrieval/lotus-rpc.js'
import { RpcMapScanner } from './rpc-map-stream.js'

/**
 * `Filecoin.StateMarketDeals` at `tipset`, each deal handed to `onDeal` as it arrives: memory
 * stays that of one deal however large the market (mainnet's answer is many GiB). A JSON-RPC
 * error, or a result that is not a map of deal id to deal, is a non-retryable RPC_FAILURE.
 */
export async function readMarketDeals(
  init: Pick<LotusRpcInit, 'rpcUrl' | 'token' | 'fetch'>,
  tipset: unknown,
  onDeal: (dealId: string, deal: unknown) => void,
  options: { signal?: AbortSignal; onBytes?: (bytesSoFar: number) => void },
): Promise<void> {
  const method = 'Filecoin.StateMarketDeals'
  const res = await createRpcPoster(init)(method, [tipset], options.signal ?? new AbortController().signal)
  const scanner = new RpcMapScanner(onDeal)
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let bytes = 0
  // set while decoding and scanning: a failure there is the answer's text, not the connection
  let parsing = false
  let answer: ReturnType<RpcMapScanner['finish']>
  try {
    if (res.body) {
      for await (const chunk of res.body) {
        bytes += chunk.byteLength
        options.onBytes?.(bytes)
        parsing = true
        scanner.push(decoder.decode(chunk, { stream: true }))
        parsing = false
      }
    }
    parsing = true
    scanner.push(decoder.decode())
    answer = scanner.finish()
  } catch (err) {
    // a connection cut mid-answer may go better next time; text that is not Lotus' JSON will not
    throw rpcFailure(`${method} returned an unreadable answer after ${bytes} bytes: ${describeError(err)}`, !parsing, err)
  }
  if (answer.error !== undefined) {
    const error = answer.error as { code?: unknown; message?: unknown } | null
    throw rpcFailure(`${method} failed: ${String(error?.message ?? 'JSON-RPC error')} (code ${String(error?.code)})`, false)
  }
  if (answer.result !== 'map') {
    throw rpcFailure(`${method} did not return a map of deal id to deal (got ${SHAPES[answer.result]})`, false)
  }
}

const SHAPES = { missing: 'no result', array: 'an array', string: 'a string', other: 'a number, boolean or null', map: 'a map' } as const
