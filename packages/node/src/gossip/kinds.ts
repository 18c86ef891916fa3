import type { PeerId } from '@libp2p/interface'
import type { GossipValidationContext } from './context.js'
import type { GossipKind } from './topics.js'
import { type ValidatedAttestation, validateAttestationGossip, validateAttestationMessage } from './validate-attestation.js'
import { type ValidatedMeasurement, validateMeasurementGossip, validateMeasurementMessage } from './validate-measurement.js'

/*
 * The typed maps of gossip kinds. Every per-kind table below is a mapped type over GossipKind,
 * so a kind added to GossipKind is a compile error in each table (and in topics.ts) until it is
 * handled there: nothing falls through to another kind's path.
 */

/** What each kind's validator returns for a message it accepts. */
export interface ValidatedGossip {
  measurement: ValidatedMeasurement
  attestation: ValidatedAttestation
}

/** Validators by kind: return the validated value or throw a GossipValidationError. `from` is the relaying peer's id. */
export type GossipValidators = {
  [K in GossipKind]: (data: Uint8Array, topic: string, from?: string) => ValidatedGossip[K] | Promise<ValidatedGossip[K]>
}

/**
 * A message that passed its kind's validator, before gossipsub delivers and forwards it. The
 * type parameter narrows it to some kinds; by default it is the union over every kind.
 */
export type AcceptedMessage<K extends GossipKind = GossipKind> = {
  [P in K]: { kind: P; topic: string; from: PeerId; value: ValidatedGossip[P] }
}[K]

/** What a node does with an accepted message, by kind; `from` is the relaying peer's id. */
export type GossipHandlers = {
  [K in GossipKind]: (accepted: ValidatedGossip[K], from: string) => void
}

/** The protocol's validators over the node's view of the rounds. */
export function gossipValidators(ctx: GossipValidationContext): GossipValidators {
  if (ctx.params.protocolVersion === 2) {
    // without it a version-2 node would relay measurements and attestations of anyone who minted a key
    if (!ctx.admission) throw new Error('the gossip validators of a version-2 network need its admission (spec §13)')
    return {
      measurement: (data, topic, from) => validateMeasurementGossip(data, topic, ctx, from),
      attestation: (data, topic, from) => validateAttestationGossip(data, topic, ctx, from),
    }
  }
  return {
    measurement: (data, topic) => validateMeasurementMessage(data, topic, ctx),
    attestation: (data, topic) => validateAttestationMessage(data, topic, ctx),
  }
}

/** Runs the validator of `kind` on a message; throws what the validator throws. */
export async function validateAs<K extends GossipKind>(
  validators: GossipValidators,
  kind: K,
  topic: string,
  from: PeerId,
  data: Uint8Array,
): Promise<AcceptedMessage<K>> {
  const value: ValidatedGossip[K] = await validators[kind](data, topic, from.toString())
  return { kind, topic, from, value }
}

/** Hands an accepted message to the handler of its kind. */
export function dispatch<K extends GossipKind>(handlers: GossipHandlers, accepted: AcceptedMessage<K>): void {
  handlers[accepted.kind](accepted.value, accepted.from.toString())
}
