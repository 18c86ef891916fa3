import { setMaxListeners } from 'node:events'
import type { CID } from 'multiformats/cid'
import { scopedSignal } from '../../util/scoped-signal.js'
import type { Logger } from '../logger.js'

const PROVIDE_TIMEOUT_MS = 10_000
/** How long `settle()` lets aborted provides unwind at most. */
const SETTLE_MS = 5_000

/** Where provider records go: helia's routing (a stub in tests). */
export interface ProvideRouting {
  provide(cid: CID, options?: { signal?: AbortSignal }): Promise<unknown>
}

export interface Providing {
  /** Starts providing `cids` without waiting on the DHT; `what` (a round, or `catalogue`) is only logged. */
  provide(what: number | 'catalogue', cids: CID[]): void
  /**
   * Waits (5 s at most) for provides still running to end. Called on stop after the node's signal
   * aborted and before the host closes: libp2p throws from an event listener when a query aborts
   * its stream on a connection that is already closing.
   */
  settle(): Promise<void>
}

/** DHT provides of a round's summary and committee blocks, and of the catalogue, off the round's critical path. */
export function createProviding(components: { routing: ProvideRouting; log: Logger; signal: AbortSignal }): Providing {
  const background = new Set<Promise<unknown>>()
  return {
    provide(what, cids) {
      // providing waits on DHT queries; never let it hold up the round. One scoped signal for all of
      // them, so nothing stays attached to the node's signal afterwards (see scopedSignal)
      const scope = scopedSignal([components.signal], PROVIDE_TIMEOUT_MS)
      // every DHT query of every provide listens on it: many listeners are expected, not a leak
      setMaxListeners(Number.POSITIVE_INFINITY, scope.signal)
      const providing = Promise.allSettled(cids.map((cid) => components.routing.provide(cid, { signal: scope.signal }))).then((results) => {
        // only once every provide is over: one failing early must not cut the others off the node's signal
        scope.clear()
        background.delete(providing)
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (failed) components.log.debug('provide failed', { round: what, error: String(failed.reason) })
      })
      background.add(providing)
    },
    async settle() {
      await Promise.race([Promise.allSettled(background), new Promise((r) => setTimeout(r, SETTLE_MS).unref())])
    },
  }
}
