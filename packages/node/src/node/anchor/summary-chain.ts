import type { Logger } from '../logger.js'
import type { Anchoring, RoundOutcome } from './anchor.js'
// the chain remembers for re-linking as many rounds as convergence keeps outcomes of
import { KEPT_ROUNDS } from './convergence.js'

export interface SummaryChainComponents {
  anchoring: Pick<Anchoring, 'anchorRound' | 'relinkRound'>
  /** Told of every re-linked round (status shows the summary CID the node holds now). */
  relinked(outcome: RoundOutcome): void
  log: Logger
}

export interface SummaryChain {
  /**
   * Queues the (re-)anchoring of a round and resolves with its outcome; later rounds already
   * anchored are re-linked before the next queued anchoring starts.
   */
  anchor(round: number, options?: { reanchored?: 'catch-up' }): Promise<RoundOutcome>
  /** The summary CID the node holds for a round (after catch-up and re-links), while kept. */
  summaryOf(round: number): string | undefined
  /** Resolves once the queue ran dry (the round loop and catch-ups stopped adding to it). */
  stop(): Promise<void>
}

/**
 * The node's one anchoring queue (spec §9.1): it owns which summary CID the node anchored for each
 * round and what each links as `previous`. The round loop and catch-ups both anchor through it,
 * one round at a time, so a summary is never built over a previous one that is being replaced.
 * When a round's summary CID changes (a catch-up took in the network's measurements), every later
 * round already anchored is re-linked, oldest first: once committees agree, so do summary CIDs.
 */
export function createSummaryChain(components: SummaryChainComponents): SummaryChain {
  const held = new Map<number, RoundOutcome>()
  let queue: Promise<unknown> = Promise.resolve()

  /** Re-links every later round whose `previous` is not the summary the node now holds before it. */
  const relinkAfter = async (round: number) => {
    let before = held.get(round)?.summaryCid
    for (const later of [...held.keys()].filter((r) => r > round).sort((a, b) => a - b)) {
      const outcome = held.get(later)
      if (!outcome || before === undefined) break
      if (outcome.previous !== before) {
        const relinked = await components.anchoring.relinkRound(outcome)
        held.set(later, relinked)
        components.relinked(relinked)
        components.log.debug('summary re-linked', { round: later, previous: before, summaryCid: relinked.summaryCid })
      }
      before = held.get(later)?.summaryCid
    }
  }

  const run = async (round: number, options: { reanchored?: 'catch-up' }) => {
    const outcome = await components.anchoring.anchorRound(round, options)
    held.set(round, outcome)
    for (const r of held.keys()) if (r < round - KEPT_ROUNDS) held.delete(r)
    await relinkAfter(round)
    return held.get(round) ?? outcome
  }

  return {
    anchor(round, options = {}) {
      const next = queue.then(() => run(round, options))
      // one failed anchoring must not stop the ones queued after it
      queue = next.catch(() => undefined)
      return next
    },
    summaryOf: (round) => held.get(round)?.summaryCid,
    async stop() {
      // anchorings queued while waiting join the same chain: wait until it stops growing
      for (let last: Promise<unknown> | undefined; last !== queue; ) {
        last = queue
        await last
      }
    },
  }
}
