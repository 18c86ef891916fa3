import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { type StationKey, stationKeyFromSeed, toHex } from '@spark-swarm/protocol'
import { StoreError } from './errors.js'
import { syncDir } from './sync-dir.js'

/*
 * The node's one key: an Ed25519 seed that is both its libp2p identity (peer id) and its station
 * key (signs measurements, §4 of the protocol). Kept in `<dataDir>/identity.key`, mode 0600.
 */

export const IDENTITY_KEY_FILE = 'identity.key'
const KEY_FILE_VERSION = 1
const SEED_BYTES = 32
/** A key file is ~100 bytes; anything much larger is not one. */
const MAX_KEY_FILE_BYTES = 4096
const SEED_HEX = /^[0-9a-fA-F]{64}$/

export interface NodeIdentity {
  /**
   * The 32-byte Ed25519 private seed. Secret: never log it. Not enumerable (nor is `privateKey`),
   * so that logging or JSON-serialising the identity does not print it.
   */
  readonly seed: Uint8Array
  /** Signs measurements; `stationKey.stationId` is the node's station id. */
  readonly stationKey: StationKey
  /** The same key as libp2p's private key (libp2p `privateKey` option). */
  readonly privateKey: Ed25519PrivateKey
  /** The libp2p peer id (base58btc `12D3KooW…`). */
  readonly peerId: string
}

export interface LoadIdentityOptions {
  /** Source of the seed of a new key; the OS RNG by default. Tests inject a deterministic one. */
  randomBytes?: (length: number) => Uint8Array
  /** Told about a data dir that group or others can read (the key file itself stays 0600). */
  warn?: (message: string) => void
}

/**
 * Reads `<dataDir>/identity.key`, or creates it (and `dataDir`, mode 0700) with a fresh seed.
 * Never replaces an existing file: a key file readable by group or others is refused
 * (IDENTITY_KEY_PERMISSIONS), a malformed one too (IDENTITY_KEY_INVALID). So is a data dir that
 * group or others can write (they could swap the key); one they can only read gets a warning.
 */
export async function loadOrCreateIdentity(dataDir: string, options: LoadIdentityOptions = {}): Promise<NodeIdentity> {
  const path = join(dataDir, IDENTITY_KEY_FILE)
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new StoreError('IDENTITY_KEY_IO', dataDir, `cannot create the data dir ${dataDir}: ${errorText(err)}`, { cause: err })
  }
  await checkDataDirMode(dataDir, options.warn)
  const seed = (await readKeyFile(path)) ?? (await createKeyFile(dataDir, path, options.randomBytes ?? defaultRandomBytes))
  return identityFromSeed(seed)
}

/** The identity of a 32-byte seed (no file involved): devnets and tests use fixed seeds. */
export async function identityFromSeed(seed: Uint8Array): Promise<NodeIdentity> {
  const ownSeed = Uint8Array.from(seed)
  const stationKey = stationKeyFromSeed(ownSeed)
  const privateKey = await generateKeyPairFromSeed('Ed25519', ownSeed)
  if (!bytesEqual(privateKey.publicKey.raw, stationKey.publicKey)) {
    throw new StoreError('IDENTITY_KEY_MISMATCH', '', 'the libp2p public key differs from the station public key of the same seed')
  }
  const identity = { stationKey, peerId: peerIdFromPrivateKey(privateKey).toString() } as NodeIdentity
  Object.defineProperties(identity, {
    seed: { value: ownSeed, enumerable: false },
    privateKey: { value: privateKey, enumerable: false },
  })
  return Object.freeze(identity)
}

/**
 * A data dir made by the node is 0700. One the operator made is never chmod-ed behind their back
 * (a mistyped `--data-dir /var/lib` must not lock other services out): writable by group or
 * others is refused, readable by them is a warning.
 */
async function checkDataDirMode(dataDir: string, warn: ((message: string) => void) | undefined): Promise<void> {
  if (process.platform === 'win32') return
  let mode: number
  try {
    mode = (await stat(dataDir)).mode & 0o7777
  } catch (err) {
    throw new StoreError('IDENTITY_KEY_IO', dataDir, `cannot read the data dir ${dataDir}: ${errorText(err)}`, { cause: err })
  }
  const shown = mode.toString(8).padStart(4, '0')
  if ((mode & 0o022) !== 0) {
    throw new StoreError(
      'IDENTITY_KEY_PERMISSIONS',
      dataDir,
      `the data dir ${dataDir} can be written by group or others (mode ${shown}), who could replace the node's identity key: ` +
        `run \`chmod 700 ${dataDir}\`, or use a directory of its own, and start again`,
    )
  }
  if ((mode & 0o055) !== 0) {
    warn?.(
      `the data dir ${dataDir} can be read by group or others (mode ${shown}); the key file is 0600, ` +
        `but the node's state is readable: run \`chmod 700 ${dataDir}\``,
    )
  }
}

function defaultRandomBytes(length: number): Uint8Array {
  return new Uint8Array(cryptoRandomBytes(length))
}

/** The seed in the key file, or undefined when there is no file. */
async function readKeyFile(path: string): Promise<Uint8Array | undefined> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined
    throw new StoreError('IDENTITY_KEY_IO', path, `cannot open the identity key file ${path}: ${errorText(err)}`, { cause: err })
  }
  let text: string
  try {
    // fstat the open file, not the path: what we check is what we read.
    const stat = await handle.stat()
    if (!stat.isFile()) throw invalid(path, 'it is not a regular file')
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0')
      throw new StoreError(
        'IDENTITY_KEY_PERMISSIONS',
        path,
        `the identity key file ${path} is accessible by group or others (mode ${mode}); ` +
          `it holds the node's private key: run \`chmod 600 ${path}\` and start again`,
      )
    }
    if (stat.size > MAX_KEY_FILE_BYTES) throw invalid(path, `it has ${stat.size} bytes, a key file has about 100`)
    text = await handle.readFile('utf8')
  } catch (err) {
    if (err instanceof StoreError) throw err
    throw new StoreError('IDENTITY_KEY_IO', path, `cannot read the identity key file ${path}: ${errorText(err)}`, { cause: err })
  } finally {
    await handle.close()
  }
  return parseKeyFile(path, text)
}

function parseKeyFile(path: string, text: string): Uint8Array {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the input, which may be the seed: do not pass it on.
    throw invalid(path, 'it is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(path, 'it is not a JSON object')
  const file = json as Record<string, unknown>
  if (file.version !== KEY_FILE_VERSION) {
    throw invalid(path, `its "version" is ${shown(file.version)}, this node reads version ${KEY_FILE_VERSION}`)
  }
  if (file.type !== 'ed25519') throw invalid(path, `its "type" is ${shown(file.type)}, expected "ed25519"`)
  if (typeof file.seed !== 'string' || !SEED_HEX.test(file.seed)) throw invalid(path, 'its "seed" is not 64 hex digits')
  return new Uint8Array(Buffer.from(file.seed, 'hex'))
}

/**
 * Writes a new key file atomically: a temp file in the same dir (0600, fsynced), hard-linked to
 * the final name (fails if another process created it meanwhile: then that key wins), and the dir
 * fsynced. Where hard links are unsupported, falls back to rename.
 */
async function createKeyFile(dataDir: string, path: string, randomBytes: (length: number) => Uint8Array): Promise<Uint8Array> {
  const seed = randomBytes(SEED_BYTES)
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
    throw new StoreError('IDENTITY_KEY_IO', path, `randomBytes(${SEED_BYTES}) returned ${(seed as Uint8Array)?.length} bytes`)
  }
  const body = JSON.stringify({ version: KEY_FILE_VERSION, type: 'ed25519', seed: toHex(seed) }, null, 2) + '\n'
  const tmp = join(dataDir, `.${IDENTITY_KEY_FILE}.${process.pid}.${toHex(defaultRandomBytes(6))}.tmp`)
  try {
    const handle = await open(tmp, 'wx', 0o600)
    try {
      await handle.chmod(0o600) // the umask can only clear bits, but be explicit
      await handle.writeFile(body, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await link(tmp, path)
    } catch (err) {
      const code = errCode(err)
      if (code === 'EEXIST') {
        // Another process created the key first: use that one, never overwrite it.
        const existing = await readKeyFile(path)
        if (existing !== undefined) return existing
      }
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err
      await rename(tmp, path)
    }
    await syncDir(dataDir)
    return seed
  } catch (err) {
    if (err instanceof StoreError) throw err
    throw new StoreError('IDENTITY_KEY_IO', path, `cannot write the identity key file ${path}: ${errorText(err)}`, { cause: err })
  } finally {
    // After link (or on failure) the temp name is no longer needed; after rename it is gone.
    await unlink(tmp).catch(() => {})
  }
}

/**
 * A field of a broken key file, for an error message: short values as they are, anything longer
 * only by its kind and length, since a misplaced field may well hold the key.
 */
function shown(value: unknown): string {
  if (value === undefined) return 'missing'
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  if (typeof value === 'string') return value.length <= 12 ? JSON.stringify(value) : `a string of ${value.length} characters`
  return Array.isArray(value) ? 'an array' : 'an object'
}

function invalid(path: string, why: string): StoreError {
  return new StoreError(
    'IDENTITY_KEY_INVALID',
    path,
    `the identity key file ${path} is invalid: ${why}. It is not replaced automatically (that would change the node's ` +
      `identity); restore it from a backup, or move it away to create a new identity`,
  )
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
