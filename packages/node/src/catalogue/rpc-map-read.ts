import { describeError } from '../retrieval/errors.js'
import type { LotusRpcInit } from '../retrieval/lotus-rpc.js'
import { createRpcPoster, rpcFailure } from '../retrieval/lotus-rpc.js'
import { RpcMapScanner } from './rpc-map-stream.js'

/**
 * A Lotus method whose result is a map (StateMarketDeals, StateGetAllClaims) at `params`, each
 * entry handed to `onEntry` as it arrives: memory stays that of one entry however large the map
 * (mainnet's market is many GiB). A JSON-RPC error, or a result that is not a map, is a
 * non-retryable RPC_FAILURE naming `method` and what the map should have held (`what`).
 */
export async function readRpcMap(
  init: Pick<LotusRpcInit, 'rpcUrl' | 'token' | 'fetch'>,
  call: { method: string; params: unknown[]; what: string },
  onEntry: (key: string, value: unknown) => void,
  options: { signal?: AbortSignal; onBytes?: (bytesSoFar: number) => void },
): Promise<void> {
  const { method } = call
  const res = await createRpcPoster(init)(method, call.params, options.signal ?? new AbortController().signal)
  const scanner = new RpcMapScanner(onEntry)
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
    throw rpcFailure(`${method} did not return a map of ${call.what} (got ${SHAPES[answer.result]})`, false)
  }
}

const SHAPES = { missing: 'no result', array: 'an array', string: 'a string', other: 'a number, boolean or null', map: 'a map' } as const
