import { type AdmissionParams, eligibilityHeight, type ProtocolParams, roundStartTime } from '@spark-swarm/protocol'
import type { ChainEligibility } from '../../admission/chain-eligibility.js'
import type { Clock } from '../clock.js'

/*
 * At a window's edge every participant is unknown at the new height: the gossip of the window's
 * first round would read them all at once, each relaying peer's burst counted against its lookup
 * budget (lookup-budget.ts), so a large honest network would see some of its measurements Ignored
 * there. The next height is in the chain before that round starts (it is a finality behind it),
 * so during the window's last round the participants eligible now are read at it: the same reads,
 * a round earlier, and the window's first round finds their answers kept.
 */

export interface WindowPrefetch {
  /** Called at each round start: when the next round reads another height, reads it ahead (in the background). */
  atRoundStart(round: number): void
  /** The prefetch under way, if any (for tests). */
  readonly running: Promise<void> | undefined
}

// a height is asked for once the head is an epoch past it, so that every Lotus has it
const MARGIN_EPOCHS = 1

export function createWindowPrefetch(components: {
  params: ProtocolParams & { admission: AdmissionParams }
  chain: ChainEligibility
  clock: Clock
  signal: AbortSignal
}): WindowPrefetch {
  const { params, chain, clock, signal } = components
  const { admission } = params
  let running: Promise<void> | undefined
  return {
    get running() {
      return running
    },
    atRoundStart(round) {
      const start = roundStartTime(params, round)
      const nextStart = roundStartTime(params, round + 1)
      const next = eligibilityHeight(admission, nextStart)
      if (next === null || next === eligibilityHeight(admission, start)) return
      const readableAt = admission.chainGenesisTime + (next + MARGIN_EPOCHS) * admission.epochDurationMs
      // not in the chain before the next round starts: that round reads it anyway
      if (readableAt >= nextStart) return
      running = (async () => {
        const wait = readableAt - clock.now()
        if (wait > 0) await clock.sleep(wait, signal)
        // who this round's measurements proved eligible so far: by then most of them
        const participants = chain.eligibleKnown(start)
        if (participants.length > 0) await chain.snapshot(nextStart, participants, { signal })
      })().catch(() => {
        // a failed read ahead costs nothing: the next round reads again, and says so if it fails
      })
    },
  }
}
