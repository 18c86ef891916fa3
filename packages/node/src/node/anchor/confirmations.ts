import { parseTaskId } from '@spark-swarm/protocol'
import type { NodeStore } from '../../store/index.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { RoundOutcome } from './anchor.js'

/**
 * Committee results confirmed by a strict majority of their members (DESIGN §3), by round:
 * `${task id}/${committee CID}`, dropped with the round's outcome (a Set of every round since
 * start grew for good).
 */
export function createConfirmations(components: { store: Pick<NodeStore, 'attestationsOf'>; events: TypedEventTarget<CheckerNodeEvents> }) {
  const confirmed = new Map<number, Set<string>>()
  return {
    /** Counts the attestations of a committee and emits `committee:confirmed` once per CID a strict majority attested. */
    count(outcome: RoundOutcome | undefined, round: number, id: string) {
      const members = outcome?.sizes.get(id)
      if (!outcome || !members) return
      const counts = new Map<string, number>()
      for (const a of components.store.attestationsOf(round, id)) counts.set(a.committeeCid, (counts.get(a.committeeCid) ?? 0) + 1)
      for (const [cid, n] of counts) {
        const key = `${id}/${cid}`
        const ofRound = confirmed.get(round) ?? new Set<string>()
        if (n * 2 > members && !ofRound.has(key)) {
          ofRound.add(key)
          confirmed.set(round, ofRound)
          components.events.emit('committee:confirmed', { round, task: parseTaskId(id), committeeCid: cid, attesters: n, members })
        }
      }
    },
    isConfirmed(round: number, id: string, cid: string): boolean {
      return confirmed.get(round)?.has(`${id}/${cid}`) ?? false
    },
    /** Forgets rounds `keep` says no more. */
    prune(keep: (round: number) => boolean) {
      for (const r of confirmed.keys()) if (!keep(r)) confirmed.delete(r)
    },
  }
}
