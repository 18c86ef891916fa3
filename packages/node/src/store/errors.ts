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
  /** The data dir cannot be created or written by this user (read-only, wrong owner, not a directory). */
  | 'DATA_DIR_NOT_WRITABLE'
  /** Another running node holds the data dir (its `node.lock` names a live pid). */
  | 'DATA_DIR_IN_USE'
  /** A write found no space: the disk (ENOSPC, SQLITE_FULL) or the store's `maxBytes` is full. Nothing stored before is lost. */
  | 'STORE_DISK_FULL'
  /** Any other failed write (an I/O error, a file that became read-only). Nothing stored before is lost. */
  | 'STORE_WRITE_FAILED'
  /** The cached network params (`network.json`) are unreadable or invalid. */
  | 'NETWORK_CACHE_INVALID'
  /** The data dir holds another network's rounds (by name and genesis), or its network file is damaged. */
  | 'DATA_DIR_OTHER_NETWORK'
  /** A station binding (spec §13.2) whose signature is not the participant's, or that names another station or network. */
  | 'BINDING_INVALID'

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

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL'])
const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'SQLITE_READONLY'])
/** Libraries (blockstore-fs) keep only the text of a file error: its errno is found in it. */
const ERRNO_IN_TEXT = /\b(ENOSPC|EDQUOT|EROFS|EACCES|EPERM|ENOTDIR|EIO)\b/

/**
 * The errno (`ENOSPC`) or SQLite (`SQLITE_FULL`) code of a failed write, looking through `cause`
 * and, for libraries that keep only an error's text, the message.
 */
export function ioErrorCode(err: unknown): string | undefined {
  let e: unknown = err
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown }
    if (typeof code === 'string' && /^(E[A-Z]+|SQLITE_[A-Z_]+)$/.test(code)) return code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1')
    const inText = typeof message === 'string' ? ERRNO_IN_TEXT.exec(message) : null
    if (inText) return inText[1]
    e = cause
  }
  return undefined
}

/**
 * A failed write as a StoreError whose message says what happened and what to do: a full disk
 * (STORE_DISK_FULL), a place this user cannot write (DATA_DIR_NOT_WRITABLE), or anything else
 * (STORE_WRITE_FAILED). `what` names what was being written, `path` where.
 *
 * @example writeError(err, '/var/lib/spark-swarm/node.sqlite', 'the measurement') // "… is full …"
 */
export function writeError(err: unknown, path: string, what: string): StoreError {
  if (err instanceof StoreError) return err
  const code = ioErrorCode(err)
  // blockstore-fs wraps an fs error as the text `Error: ENOSPC: …`
  const text = (err instanceof Error ? err.message : String(err)).replace(/^Error: /, '')
  const why = code && !text.includes(code) ? `${code}: ${text}` : text
  if (code && NO_SPACE.has(code)) {
    return new StoreError(
      'STORE_DISK_FULL',
      path,
      `${what} could not be written to ${path}: no space left (${why}). Free space on that disk` +
        `${code === 'SQLITE_FULL' ? ' (or raise storeMaxBytes if one is set)' : ''}; everything written before is intact, ` +
        'and the node goes on once there is room',
      { cause: err },
    )
  }
  if (code && NOT_WRITABLE.has(code)) {
    const reason =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'part of that path is a file, not a directory'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : 'this user may not write there'
    return new StoreError(
      'DATA_DIR_NOT_WRITABLE',
      path,
      `${what} could not be written to ${path}: ${reason} (${why}). ` +
        'Give the user running the node a writable data dir (chown/chmod it, or use another data dir)',
      { cause: err },
    )
  }
  return new StoreError('STORE_WRITE_FAILED', path, `${what} could not be written to ${path}: ${why}. Check the disk`, { cause: err })
}
