/**
 * Every code a ProtocolError can carry, with what it means. Callers branch on these; a code that
 * is not here does not compile, so a new failure gets its line here (and in the spec) first.
 */
export const PROTOCOL_ERROR_CODES = {
  PARAMS_UNKNOWN_PRESET: 'no preset has this name',
  PARAMS_INVALID: 'protocol params break a rule; `meta.key` names the field',
  CATALOGUE_INVALID: 'the catalogue is empty, has an entry without cid or minerId, or repeats a task; `meta.index` names the entry',
  MEASUREMENT_MALFORMED: 'bytes or JSON that are not one valid, canonical measurement',
  MEASUREMENT_WRONG_KEY: 'a measurement was to be signed with the key of another station',
  ATTESTATION_MALFORMED: 'bytes that are not one valid, canonical attestation',
  ATTESTATION_WRONG_KEY: 'an attestation was to be signed with the key of another station',
  SUMMARY_MALFORMED: 'a round summary block that does not decode to a summary',
  COMMITTEE_BLOCK_MALFORMED: 'a committee block that does not decode to a committee',
  MEASUREMENT_LIST_MALFORMED: 'a measurement-list block that is not a list of links',
  PARTICIPANT_LIST_MALFORMED: "a version-2 summary's eligible list that is not participants in ascending order (spec §13.7)",
  ROUND_INVALID: 'a round number or a Spark round file that is not valid',
  KEY_INVALID: 'an Ed25519 key or key seed of the wrong length',
  STATION_ID_INVALID: 'a station id that is not the SPKI DER of an Ed25519 key',
  DRAND_BEACON_INVALID: 'a drand beacon that does not verify; `meta.round` names it when it is a number',
  VERSION_INVALID: 'a version string that is not MAJOR.MINOR.PATCH',
  ADMISSION_SNAPSHOT_INVALID:
    "a version-2 round evaluated without an admission snapshot, or with one of another height than the round's (spec §13.4)",
} as const satisfies Record<string, string>

/** A stable code of a ProtocolError, e.g. `'MEASUREMENT_MALFORMED'`. */
export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CODES

/**
 * The one error type of the protocol package. `code` is stable and meant for callers to branch
 * on; `message` is for people and says what was wrong and what to do.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  readonly code: ProtocolErrorCode
  readonly meta: Record<string, unknown>

  constructor(code: ProtocolErrorCode, message: string, meta: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.meta = meta
  }
}
