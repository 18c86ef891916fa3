/** Stable codes of CatalogueFetchError: why a catalogue asked of peers was not taken. */
export type CatalogueFetchErrorCode =
  /** A block came, but its bytes do not hash to the CID the params name: refused, whoever sent it. */
  | 'CATALOGUE_HASH_MISMATCH'
  /** The bytes hash to the CID but are no valid catalogue (spec §3.1): the params name something else. */
  | 'CATALOGUE_NOT_A_CATALOGUE'
  /** No peer gave the block in time: none to ask, none reachable, or none that holds it. */
  | 'CATALOGUE_UNAVAILABLE'

/**
 * A catalogue could not be had from peers. Never thrown for a peer's bad bytes alone without a
 * code: the caller tells the operator which of the three it was and goes on to its next source.
 */
export class CatalogueFetchError extends Error {
  override readonly name = 'CatalogueFetchError'
  readonly code: CatalogueFetchErrorCode

  constructor(code: CatalogueFetchErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}
