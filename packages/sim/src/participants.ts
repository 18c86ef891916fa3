import { fromHex, participantOfPrivateKey, signBinding } from '@spark-swarm/protocol'
import { deriveSeed } from './rng.js'

/*
 * Version 2's identities (spec §13.2): a participant, a secp256k1 key derived from the scenario
 * seed, and the binding with which it authorises one station key from round 0 on. Real keys and
 * real signatures, so that the protocol's own `verifyBinding` decides whether a binding holds;
 * each costs about 0.7 ms to make, so callers make each one once per run, never per round.
 */

/** A participant and the binding of its station, as its measurements carry them. */
export interface BoundParticipant {
  participant: string
  binding: Uint8Array
}

/** The participant whose key is derived from `keyParts`, bound to `stationId` on `network` from round 0. */
export function bindParticipant(network: string, stationId: string, ...keyParts: Array<string | number>): BoundParticipant {
  // SHA-256 output is below the curve order but with probability 2^-128, so any derived seed is a key
  const privateKey = fromHex(deriveSeed('participant key', ...keyParts))
  const participant = participantOfPrivateKey(privateKey)
  return { participant, binding: signBinding({ network, participant, stationId, fromRound: 0 }, privateKey) }
}
