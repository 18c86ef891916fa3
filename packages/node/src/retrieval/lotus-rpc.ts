import { readBoundedJson } from '../util/read-body.js'
import { RPC_MAX_RESPONSE_BYTES } from './constants.js'
import { describeError, RetrievalError } from './errors.js'
import type { FetchLike } from './types.js'

/*
 * One Lotus JSON-RPC call, as every chain read of the node makes it (a miner's peer id, a
 * participant's balance): a bounded answer, and failures as RetrievalError RPC_FAILURE whose
 * `meta.retryable` says whether asking again can help (transport, 5xx, 429) or not (a JSON-RPC
 * error: Lotus understood and refused).
 */

export interface LotusRpcInit {
  /** A Lotus JSON-RPC v0/v1 endpoint, e.g. `https://api.node.glif.io/rpc/v1`. */
  rpcUrl: string
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string
  fetch?: FetchLike
}

export type RpcCall = (method: string, params: unknown[], signal: AbortSignal) => Promise<unknown>

export function rpcFailure(message: string, retryable: boolean, cause?: unknown): RetrievalError {
  return new RetrievalError('RPC_FAILURE', message, { cause, meta: { retryable } })
}

/**
 * POSTs one JSON-RPC request and returns the response once its status is OK, for a caller that
 * reads the body its own way (a bulk answer read as a stream). Transport failures, 5xx and 429 are
 * retryable RPC_FAILUREs; other statuses are not.
 */
export function createRpcPoster(init: LotusRpcInit): (method: string, params: unknown[], signal: AbortSignal) => Promise<Response> {
  const fetch = init.fetch ?? globalThis.fetch
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  if (init.token) headers.authorization = `Bearer ${init.token}`
  let id = 0

  return async (method, params, signal) => {
    let res: Response
    try {
      res = await fetch(init.rpcUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
        signal,
      })
    } catch (err) {
      throw rpcFailure(`${method} failed: ${describeError(err)}`, true, err)
    }
    if (!res.ok) {
      await res.body?.cancel()
      const transient = res.status >= 500 || res.status === 429
      throw rpcFailure(`${method} answered HTTP ${res.status}`, transient)
    }
    return res
  }
}

export function createRpcCaller(init: LotusRpcInit): RpcCall {
  const post = createRpcPoster(init)
  return async (method, params, signal) => {
    const res = await post(method, params, signal)
    let body: { result?: unknown; error?: { code?: unknown; message?: unknown } }
    try {
      body = (await readBoundedJson(res, RPC_MAX_RESPONSE_BYTES)) as typeof body
    } catch (err) {
      throw rpcFailure(`${method} returned an unreadable answer: ${describeError(err)}`, true, err)
    }
    if (body?.error) {
      // the node understood and refused (unknown actor, bad params): asking again gives the same answer
      throw rpcFailure(`${method} failed: ${String(body.error.message ?? 'JSON-RPC error')} (code ${String(body.error.code)})`, false)
    }
    return body?.result
  }
}
