import type { RetrievalTask } from '@spark-swarm/protocol'
import { payloadCidOfLabel } from './deal-label.js'

/**
 * Which storage market deals become retrieval tasks, as Spark chose them: an active deal (its
 * sector started, `SectorStartEpoch` ≠ −1), not slashed (`SlashEpoch` = −1), not expired
 * (`EndEpoch` > head), whose label is a payload CID; one task per (payload CID, miner), however
 * many deals store it. A deal that fails several rules is counted under the first, in this order.
 */
export const DROP_REASONS = ['malformed', 'slashed', 'not-active', 'expired', 'label-empty', 'label-not-cid', 'duplicate'] as const
export type DropReason = (typeof DROP_REASONS)[number]

export interface DealSelection {
  dealsRead: number
  /** Sorted by cid, then minerId (code-unit order): the same deals give the same list. */
  tasks: RetrievalTask[]
  dropped: Partial<Record<DropReason, number>>
}

type Verdict = { task: RetrievalTask } | { drop: DropReason }

/** One deal of `Filecoin.StateMarketDeals` (`{Proposal, State}`), judged at epoch `head`. */
export function judgeDeal(deal: unknown, head: number): Verdict {
  const proposal = (deal as { Proposal?: Record<string, unknown> } | null)?.Proposal
  const state = (deal as { State?: Record<string, unknown> } | null)?.State
  if (typeof proposal !== 'object' || proposal === null || typeof state !== 'object' || state === null) return { drop: 'malformed' }
  const { Provider, EndEpoch, Label } = proposal
  const { SectorStartEpoch, SlashEpoch } = state
  if (typeof Provider !== 'string' || Provider === '' || !isEpoch(EndEpoch) || !isEpoch(SectorStartEpoch) || !isEpoch(SlashEpoch)) {
    return { drop: 'malformed' }
  }
  if (SlashEpoch !== -1) return { drop: 'slashed' }
  if (SectorStartEpoch === -1) return { drop: 'not-active' }
  if (EndEpoch <= head) return { drop: 'expired' }
  const label = payloadCidOfLabel(Label)
  if ('drop' in label) return label
  return { task: { cid: label.cid, minerId: Provider } }
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= -1
}

/** Judges deals one at a time, as they are read, and keeps one task per (payload CID, miner). */
export function createDealSelector(head: number): { add(deal: unknown): void; result(): DealSelection } {
  const dropped: Partial<Record<DropReason, number>> = {}
  const count = (reason: DropReason) => {
    dropped[reason] = (dropped[reason] ?? 0) + 1
  }
  const seen = new Map<string, Set<string>>()
  const tasks: RetrievalTask[] = []
  let dealsRead = 0
  return {
    add(deal) {
      dealsRead++
      const verdict = judgeDeal(deal, head)
      if ('drop' in verdict) return count(verdict.drop)
      const { cid, minerId } = verdict.task
      let miners = seen.get(cid)
      if (!miners) {
        miners = new Set()
        seen.set(cid, miners)
      }
      if (miners.has(minerId)) return count('duplicate')
      miners.add(minerId)
      tasks.push(verdict.task)
    },
    result() {
      tasks.sort((a, b) => compare(a.cid, b.cid) || compare(a.minerId, b.minerId))
      // reasons in DROP_REASONS order, not in the order the map happened to list the deals
      const ordered: Partial<Record<DropReason, number>> = {}
      for (const reason of DROP_REASONS) if (dropped[reason] !== undefined) ordered[reason] = dropped[reason]
      return { dealsRead, tasks, dropped: ordered }
    },
  }
}

/** `createDealSelector` over a whole map of deals. */
export function selectDeals(deals: Record<string, unknown>, head: number): DealSelection {
  const selector = createDealSelector(head)
  for (const deal of Object.values(deals)) selector.add(deal)
  return selector.result()
}

// not localeCompare: the order must not depend on the machine's locale
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
