import { type ParticipantBinding, toHex, verifyBinding } from '@spark-swarm/protocol'
import { GossipValidationError, ignore, reject } from './errors.js'

/*
 * The version-2 rules of gossip (spec §13): a measurement or an attestation counts only for an
 * eligible participant whose binding names its station, so the validators refuse, as the
 * evaluation would label them, what a node would otherwise store, relay and attest (or count).
 * Eligibility needs the chain, hence async.
 */

/** Verified bindings kept; past it the cache starts again (a binding costs 1.7 ms to verify again). */
const MAX_KEPT_BINDINGS = 100_000

/** What the validators need from the node on a version-2 network. */
export interface GossipAdmission {
  /**
   * Whether `participant` is eligible in `round` (spec §13.4); throws when the chain cannot be read.
   * `from`, the relaying peer, pays for a read the node has to make (spec §12.5 rule 13a): past its
   * budget this throws an Ignore GossipValidationError instead of reading.
   */
  eligible(round: number, participant: string, from?: string): Promise<boolean>
  /** Verified bindings, by binding and signature: a station sends the same one with each measurement and attestation. */
  readonly bindings: Map<string, boolean>
}

/** What the admission rules read of a version-2 message: a measurement (spec §13.3) or an attestation (§13.3a). */
export type BoundMessage = { round: number; stationId: string } & ParticipantBinding

/**
 * Rejects NOT_ELIGIBLE, then BINDING_INVALID, in the evaluation's order (spec §13.5): the cached
 * chain answer before a 1.7 ms signature recovery. A chain that cannot be read is this node's own
 * fault (LOTUS_UNREACHABLE): Ignored as CHAIN_UNREADABLE, which costs the sender nothing. `from`
 * is the relaying peer, whose lookup budget pays for reads of participants not known here.
 */
export async function checkParticipantAdmission(
  admission: GossipAdmission,
  network: string,
  m: BoundMessage,
  from?: string,
): Promise<void> {
  let eligible: boolean
  try {
    eligible = await admission.eligible(m.round, m.participant, from)
  } catch (err) {
    // the lookup budget's verdict (CHAIN_LOOKUP_BUDGET, CHAIN_BUSY) stands as it is
    if (err instanceof GossipValidationError) throw err
    ignore('CHAIN_UNREADABLE', `who is eligible in round ${m.round} cannot be read from the chain here`, { error: String(err) })
  }
  if (!eligible) reject('NOT_ELIGIBLE', "the participant held no deposit at the round's eligibility height", { participant: m.participant })
  // a binding from a later round is not in force yet, however well signed
  if (m.bindingFromRound > m.round) reject('BINDING_INVALID', 'the binding starts after the round')
  const key = `${m.participant} ${m.stationId} ${m.bindingFromRound} ${toHex(m.bindingSignature)}`
  let valid = admission.bindings.get(key)
  if (valid === undefined) {
    const binding = { network, participant: m.participant, stationId: m.stationId, fromRound: m.bindingFromRound }
    valid = verifyBinding(binding, m.bindingSignature)
    // bounded: only eligible participants get this far, but each may sign any number of bindings
    if (admission.bindings.size >= MAX_KEPT_BINDINGS) admission.bindings.clear()
    admission.bindings.set(key, valid)
  }
  if (!valid) reject('BINDING_INVALID', "the binding is not the participant's signature of this station")
}
