/** Stable codes of StoreError: callers branch on them. */
export type StoreErrorCode =
  /** The identity key file is readable or writable by group or others. */
  | 'IDENTITY_KEY_PERMISSIONS'
  /** The identity key file exists but is not a valid key file. */
  | 'IDENTITY_KEY_INVALID'
  /** The identity key file or the data dir could not be read or written. */
  | 'IDENTITY_KEY_IO'
  /** The libp2p key and the station key derived from one seed differ (a library bug). */
  | 'IDENTITY_KEY_MISMATCH'
  /** The database could not be opened, configured or migrated. */
  | 'STORE_OPEN_FAILED'
  /** The database was written by a newer version of the node. */
  | 'STORE_SCHEMA_TOO_NEW'

/**
 * The one error type of the node's persistent state (identity key and store). `message` is for
 * people: it names the file and says what to do. It never contains key material.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  readonly code: StoreErrorCode
  readonly path: string

  constructor(code: StoreErrorCode, path: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.path = path
  }
}
