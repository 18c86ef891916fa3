import type { GossipAdmission } from '../../gossip/admission.js'
import type { AdmissionReader } from './chain-watch.js'

/*
 * The node's side of the version-2 gossip rules: eligibility from the chain, and which
 * participants each station measured for in the recent rounds, learnt from the measurements the
 * validators accepted (the only source a station's attestations can be judged by, spec §13).
 */

// attestations are collected for three rounds after their round (validate-attestation.ts)
const KEPT_ROUNDS = 5

export function createGossipAdmission(reader: AdmissionReader): GossipAdmission {
  const byRound = new Map<number, Map<string, Set<string>>>()
  return {
    eligible: (round, participant) => reader.eligible(round, participant),
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
