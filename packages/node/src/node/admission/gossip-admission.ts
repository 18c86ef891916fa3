import type { GossipAdmission } from '../../gossip/admission.js'
import { ignore } from '../../gossip/errors.js'
import type { AdmissionReader } from './chain-watch.js'
import { LookupBudget, type LookupBudgetInit } from './lookup-budget.js'

/*
 * The node's side of the version-2 gossip rules: eligibility from the chain, within the lookup
 * budget of the relaying peer (lookup-budget.ts). Measurements and attestations carry their
 * participant and binding (spec §13.3, §13.3a), so nothing else is remembered about them.
 */

export function createGossipAdmission(reader: AdmissionReader, init: { lookups?: LookupBudgetInit } = {}): GossipAdmission {
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
    bindings: new Map(),
  }
}
