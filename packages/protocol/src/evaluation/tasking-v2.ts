import { verifyBinding } from '../admission/binding.js'
import { eligibilityHeight } from '../admission/params.js'
import { toHex } from '../bytes.js'
import { ProtocolError } from '../errors.js'
import { roundStartTime } from '../params.js'
import type { AdmissionSnapshot, RoundContext } from './round-types.js'

/*
 * What version 2 changes in step 1 of the evaluation (spec §13.5): after the station's signature
 * and its version, a measurement must carry a binding its participant signed, and the participant
 * must be eligible in the round. Tasks and duplicates then follow the participant (evaluate.ts).
 */

/** The binding fields of an entry, as step 1 reads them; null ones only in a record no shape check saw. */
export interface BoundEntry {
  station: string
  participant: string | null
  bindingFromRound: number
  bindingSignature: Uint8Array | null
}

/**
 * The round's admission snapshot, checked against the round: required in version 2, refused in
 * version 1, and of the round's own eligibility height, so that a node that read the chain at
 * another height fails loudly instead of disagreeing quietly.
 */
export function roundAdmission(ctx: RoundContext): AdmissionSnapshot | null {
  const { params, admission } = ctx
  if (params.protocolVersion !== 2) {
    if (admission === undefined) return null
    throw new ProtocolError('ADMISSION_SNAPSHOT_INVALID', `version ${params.protocolVersion} has no admission: remove ctx.admission`)
  }
  if (admission === undefined)
    throw new ProtocolError(
      'ADMISSION_SNAPSHOT_INVALID',
      'a version-2 round needs ctx.admission, the participants eligible at its eligibility height (spec §13.4)',
    )
  if (params.admission === undefined)
    throw new ProtocolError('ADMISSION_SNAPSHOT_INVALID', 'version-2 params need their admission key (spec §13.1)')
  const height = eligibilityHeight(params.admission, roundStartTime(params, ctx.round))
  if (admission.height !== height)
    throw new ProtocolError(
      'ADMISSION_SNAPSHOT_INVALID',
      `round ${ctx.round}'s eligibility height is ${height}, the snapshot is of height ${admission.height}`,
      { height, snapshotHeight: admission.height },
    )
  if (height === null && admission.eligible.size > 0)
    throw new ProtocolError('ADMISSION_SNAPSHOT_INVALID', 'before the chain has a final height nobody is eligible (spec §13.4)')
  return admission
}

/**
 * NOT_ELIGIBLE, BINDING_INVALID or null for each entry, in that precedence: the set lookup
 * first, so that measurements of participants without a deposit cost nothing to refuse. Each
 * distinct binding is verified once (a secp256k1 recovery costs about 1.7 ms, and a station sends
 * the same binding with each of its K measurements), in `verified` when the caller keeps it across
 * rounds. Bindings are verified in 'trusted' mode too: 'trusted' vouches only for CIDs and
 * station signatures, and a store may hold measurements the gossip validator did not judge
 * (catch-up, or stored before it checked bindings).
 */
export function admissionLabeller(ctx: RoundContext, admission: AdmissionSnapshot, verified = new Map<string, boolean>()) {
  return (e: BoundEntry): 'BINDING_INVALID' | 'NOT_ELIGIBLE' | null => {
    if (e.participant === null || e.bindingSignature === null) return 'BINDING_INVALID'
    if (!admission.eligible.has(e.participant)) return 'NOT_ELIGIBLE'
    // a binding from a later round is not in force yet, however well signed
    if (e.bindingFromRound > ctx.round) return 'BINDING_INVALID'
    const key = `${e.participant} ${e.station} ${e.bindingFromRound} ${toHex(e.bindingSignature)}`
    let valid = verified.get(key)
    if (valid === undefined) {
      // the entry is of this network (step 0 dropped the others), so params.network is m.network
      const binding = { network: ctx.params.network, participant: e.participant, stationId: e.station, fromRound: e.bindingFromRound }
      valid = verifyBinding(binding, e.bindingSignature)
      verified.set(key, valid)
    }
    return valid ? null : 'BINDING_INVALID'
  }
}
