import { type CommitteeMembership, countConfirmation, parseTaskId } from '@spark-swarm/protocol'
import type { NodeStore } from '../../store/index.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { RoundOutcome } from './anchor.js'
import type { KnownBlocks } from './known-blocks.js'

/**
 * Committee results confirmed by a strict majority of their members (spec §12.6), by round:
 * `${task id}/${committee CID}`, dropped with the round's outcome (a Set of every round since
 * start grew for good).
 *
 * Only members count: an attester is counted for block X when its station measured for X (one of
 * the measurements X lists), against X's own `size`. Being assigned the task is not enough, or
 * ⌊size/2⌋+1 minted identities that checked nothing would confirm any CID (docs/security.md §6).
 */
export function createConfirmations(components: {
  store: Pick<NodeStore, 'attestationsOf'>
  known: Pick<KnownBlocks, 'get'>
  events: TypedEventTarget<CheckerNodeEvents>
}) {
  const confirmed = new Map<number, Set<string>>()

  /** Block X's members if this node knows them: its own committee block, or one catch-up fetched. */
  const membershipOf = (outcome: RoundOutcome, id: string, cid: string): CommitteeMembership | undefined => {
    if (outcome.committees.get(id) === cid) return outcome.memberships.get(id)
    const known = components.known.get(outcome.round, cid)
    // a block of another task lists other stations: it says nothing about this committee
    return known?.taskId === id ? known.membership : undefined
  }

  return {
    /**
     * Counts the attestations of a committee and emits `committee:confirmed` once per CID its
     * members attested by strict majority. Called again when members become known (a catch-up
     * fetched the block): attestations stored before then count from that moment.
     */
    count(outcome: RoundOutcome | undefined, round: number, id: string) {
      if (!outcome) return
      const attesters = new Map<string, string[]>()
      for (const a of components.store.attestationsOf(round, id)) {
        const stations = attesters.get(a.committeeCid)
        if (stations) stations.push(a.stationId)
        else attesters.set(a.committeeCid, [a.stationId])
      }
      for (const [cid, stations] of attesters) {
        const key = `${id}/${cid}`
        const ofRound = confirmed.get(round) ?? new Set<string>()
        if (ofRound.has(key)) continue
        const membership = membershipOf(outcome, id, cid)
        if (!membership) continue
        const { attesters: n, confirmed: yes } = countConfirmation(membership, stations)
        if (!yes) continue
        ofRound.add(key)
        confirmed.set(round, ofRound)
        components.events.emit('committee:confirmed', {
          round,
          task: parseTaskId(id),
          committeeCid: cid,
          attesters: n,
          members: membership.size,
        })
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
