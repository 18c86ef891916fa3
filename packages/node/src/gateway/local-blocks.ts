import type { CID } from 'multiformats/cid'

/**
 * The blocks a gateway answers from: a blockstore's `has` and `get`. `get` is always called with
 * `offline: true` and only after `has`, so helia's networked blockstore never asks the network.
 */
export interface LocalBlocks {
  has(cid: CID, options?: { signal?: AbortSignal }): boolean | Promise<boolean>
  get(
    cid: CID,
    options?: { signal?: AbortSignal; offline?: boolean },
  ): Generator<Uint8Array> | AsyncGenerator<Uint8Array> | Iterable<Uint8Array> | AsyncIterable<Uint8Array>
}

export class GatewayLimitError extends Error {
  override readonly name = 'GatewayLimitError'
}

export interface ReadBudget {
  maxBlocks: number
  maxBytes: number
  signal: AbortSignal
}

/**
 * A reader of held blocks only: undefined for a block not held. Past the budget (blocks, bytes)
 * it throws a GatewayLimitError; once `signal` aborts, its reason.
 */
export function localReader(blocks: LocalBlocks, budget: ReadBudget) {
  let count = 0
  let bytes = 0
  return async (cid: CID): Promise<Uint8Array | undefined> => {
    budget.signal.throwIfAborted()
    if (!(await blocks.has(cid, { signal: budget.signal }))) return undefined
    if (++count > budget.maxBlocks) throw new GatewayLimitError(`more than ${budget.maxBlocks} blocks`)
    const chunks: Uint8Array[] = []
    for await (const chunk of blocks.get(cid, { signal: budget.signal, offline: true })) {
      bytes += chunk.length
      if (bytes > budget.maxBytes) throw new GatewayLimitError(`more than ${budget.maxBytes} bytes`)
      chunks.push(chunk)
    }
    return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)
  }
}
