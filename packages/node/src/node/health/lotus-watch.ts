import { type MinerResolver, RetrievalError } from '../../retrieval/index.js'
import type { LocalFaults } from './local-faults.js'

/*
 * LOTUS_UNREACHABLE (spec §5.4): the chain RPC that gives providers' peer ids cannot be reached.
 * It withholds nothing (a check without the peer id makes no measurement, RPC_FAILURE), but an
 * operator whose node checks nothing must see why. Only a lookup that failed for want of an
 * answer sets it (every retry spent on transport errors, timeouts or 5xx); a final answer, even a
 * refusal such as an unknown miner, shows the RPC is there and clears it, as a found peer id does.
 */

// the version-2 eligibility reads set the same fault (chain-watch.ts): each clears only its own
const SOURCE = 'peer-id lookups'

export interface LotusWatch {
  resolver: MinerResolver
  /** Reports to `faults` from now on (the faults exist only once the node's parts are composed). */
  attach(faults: LocalFaults): void
}

/** Wraps a Lotus resolver so that its lookups set and clear LOTUS_UNREACHABLE. */
export function watchLotus(resolver: MinerResolver, rpcUrl: string): LotusWatch {
  let faults: LocalFaults | undefined
  return {
    attach: (f) => {
      faults = f
    },
    resolver: {
      async resolve(minerId, options = {}) {
        try {
          const peerId = await resolver.resolve(minerId, options)
          faults?.clear('LOTUS_UNREACHABLE', `the chain RPC ${rpcUrl} answers again`, SOURCE)
          return peerId
        } catch (err) {
          if (!options.signal?.aborted && err instanceof RetrievalError && err.code === 'RPC_FAILURE') {
            if (err.meta.retryable === false) faults?.clear('LOTUS_UNREACHABLE', `the chain RPC ${rpcUrl} answers again`, SOURCE)
            else faults?.set('LOTUS_UNREACHABLE', `the chain RPC ${rpcUrl} cannot be reached: ${err.message}`, SOURCE)
          }
          throw err
        }
      },
    },
  }
}
