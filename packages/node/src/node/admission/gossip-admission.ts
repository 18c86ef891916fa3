import type { GossipAdmission } from '../../gossip/admission.js'
import { ignore } from '../../gossip/errors.js'
import type { AdmissionReader } from './chain-watch.js'
import { LookupBudget, type LookupBudgetInit } from './lookup-budget.js'

/*
 * The node's side of the version-2 gossip rules: eligibility from the chain, within the lookup
 * budget of the relaying peer (lookup-budget.ts), and which participants each station measured for
 * in the recent rounds, learnt from the measurements the validators accepted (the only source a
 * station's attestations can be judged by, spec §13).
 */

// attestations are collected for three rounds after their round (validate-attestation.ts)
const KEPT_ROUNDS = 5

export function createGossipAdmission(reader: AdmissionReader, init: { lookups?: LookupBudgetInit } = {}): GossipAdmission {
  const byRound = new Map<number, Map<string, Set<string>>>()
  const budget = new LookupBudget(init.lookups)
  return {
    async eligible(round, participant, from) {
      // a kept answer, or a read already under way, costs nobody anything
      if (from === undefined || reader.known(round, participant)) return reader.eligible(round, participant)
      const refusal = budget.take(round, from)
      if (refusal === 'peer') {
        ignore('CHAIN_LOOKUP_BUDGET', "the relaying peer's chain lookups of unknown participants in this round are spent", {
          round,
          perPeerPerRound: budget.perPeerPerRound,
        })
      }
      if (refusal === 'busy') ignore('CHAIN_BUSY', 'too many chain reads are in flight here', { pending: budget.pending })
      try {
        const eligible = await reader.eligible(round, participant)
        budget.settle(round, from, eligible)
        return eligible
      } catch (err) {
        // our chain failed: no fault of the peer's
        budget.settle(round, from, true)
        throw err
      }
    },
    participantsOf: (round, stationId) => byRound.get(round)?.get(stationId),
    accepted(round, stationId, participant) {
      let stations = byRound.get(round)
      if (!stations) {
        stations = new Map()
        byRound.set(round, stations)
        for (const r of byRound.keys()) if (r < round - KEPT_ROUNDS) byRound.delete(r)
      }
      let participants = stations.get(stationId)
      if (!participants) {
        participants = new Set()
        stations.set(stationId, participants)
      }
      participants.add(participant)
    },
    bindings: new Map(),
  }
}
