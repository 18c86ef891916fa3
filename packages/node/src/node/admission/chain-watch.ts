import { type AdmissionSnapshot, type ProtocolParams, roundStartTime } from '@spark-swarm/protocol'
import type { ChainEligibility } from '../../admission/chain-eligibility.js'
import type { LocalFaults } from '../health/local-faults.js'

/*
 * The chain's eligibility as the node's parts read it (gossip validators and the evaluation): a
 * read that fails sets LOTUS_UNREACHABLE (spec §5.4, §13.4: such a node cannot judge a version-2
 * round), and the next read that succeeds clears it again, if this reader set it.
 */

export interface AdmissionReader {
  /** The admission snapshot of `round` over `participants`; throws when the chain cannot be read. */
  snapshot(round: number, participants: Iterable<string>, options?: { signal?: AbortSignal }): Promise<AdmissionSnapshot>
  /** Whether one participant is eligible in `round`; concurrent asks for the same one share a read. */
  eligible(round: number, participant: string): Promise<boolean>
  /** Whether asking `eligible` costs no new chain read: the answer is kept, or being read. */
  known(round: number, participant: string): boolean
}

// the peer-id lookups set the same fault (lotus-watch.ts): each clears only its own
const SOURCE = 'eligibility reads'

export function createAdmissionReader(
  params: ProtocolParams,
  chain: ChainEligibility,
  faults: LocalFaults,
  signal: AbortSignal,
): AdmissionReader {
  let setHere = false
  const read = async (round: number, participants: Iterable<string>, options: { signal?: AbortSignal }) => {
    try {
      const snapshot = await chain.snapshot(roundStartTime(params, round), participants, options)
      if (setHere) faults.clear('LOTUS_UNREACHABLE', `the chain answers again: round ${round}'s eligibility was read`, SOURCE)
      setHere = false
      return snapshot
    } catch (err) {
      if (!signal.aborted) {
        const message = err instanceof Error ? err.message : String(err)
        faults.set('LOTUS_UNREACHABLE', `who is eligible in round ${round} cannot be read from the chain: ${message}`, SOURCE)
        setHere = true
      }
      throw err
    }
  }
  // a burst of measurements of one new participant asks the chain once
  const inFlight = new Map<string, Promise<boolean>>()
  return {
    snapshot: (round, participants, options = {}) => read(round, participants, { signal, ...options }),
    known: (round, participant) => chain.known(roundStartTime(params, round), participant),
    eligible(round, participant) {
      const key = `${round} ${participant}`
      let answer = inFlight.get(key)
      if (!answer) {
        answer = read(round, [participant], { signal }).then((s) => s.eligible.has(participant))
        inFlight.set(key, answer)
        void answer.catch(() => {}).finally(() => inFlight.delete(key))
      }
      return answer
    },
  }
}
