import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import {
  changedIdentityKeys,
  getPreset,
  isVersionAtLeast,
  MAX_BOOTSTRAP_MULTIADDR_LENGTH,
  type PresetName,
  ProtocolError,
  type ProtocolParams,
  paramsDigest,
  parseVersion,
  presets,
  type UpcomingParams,
  validateParams,
} from '@spark-swarm/protocol'
import { type CatalogueFiles, readCatalogue, type ServedCatalogue } from './config-catalogue.js'

/** Stable codes of TrackerConfigError. */
export type TrackerConfigErrorCode =
  /** The file could not be read (missing, a directory, no permission). */
  | 'CONFIG_UNREADABLE'
  /** The file is not JSON, or a key breaks a rule; `key` names it. */
  | 'CONFIG_INVALID'
  /** A reload that would change the params in force (the consensus) without notice: refused. */
  | 'CONFIG_PARAMS_CHANGED'

/** A bad tracker config file. `message` names the file and the key, and says what is wrong. */
export class TrackerConfigError extends Error {
  override readonly name = 'TrackerConfigError'
  readonly code: TrackerConfigErrorCode
  readonly path: string
  /** The offending key, e.g. `params.roundDurationMs`; '' when the whole file is bad. */
  readonly key: string

  constructor(code: TrackerConfigErrorCode, path: string, key: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.path = path
    this.key = key
  }
}

/** The file as written: `{ preset, params?, bootstrap?, minCheckerVersion?, upcoming? }`. */
export interface TrackerConfigFile {
  preset: PresetName
  /** Overrides of the preset's ProtocolParams (shallow: `randomness` is replaced whole). */
  params?: Partial<ProtocolParams>
  /** Bootstrap multiaddrs, e.g. `/ip4/203.0.113.7/tcp/4001/p2p/12D3KooW…`. */
  bootstrap?: string[]
  /** The gate's minimum (policy), at or above `params.minCheckerVersion`; default that floor. */
  minCheckerVersion?: string
  /** An announced change (spec §1.3): from round `fromRound` on, the params with these overrides are in force. */
  upcoming?: { fromRound: number; params: Partial<ProtocolParams>; catalogue?: string }
  /**
   * The task catalogue's file (JSON `{"entries": […]}`), relative to the config file: its CID
   * becomes `params.catalogueCid`, and the tracker serves it at /v1/catalogue.
   */
  catalogue?: string
}

/** A validated, frozen config: what the tracker serves. */
export interface TrackerConfig {
  preset: PresetName
  /** The full params: preset, then `params` overrides, then `minCheckerVersion`. */
  params: ProtocolParams
  paramsDigest: string
  bootstrap: readonly string[]
  minCheckerVersion: string
  /** The announced change: `upcoming.params` are `params` with the file's `upcoming.params` overrides. */
  upcoming?: UpcomingParams & { catalogue?: ServedCatalogue }
  /** The catalogue of the file's `catalogue` key, whose CID `params.catalogueCid` is. */
  catalogue?: ServedCatalogue
}

const FILE_KEYS = ['preset', 'params', 'bootstrap', 'minCheckerVersion', 'upcoming', 'catalogue']
const UPCOMING_KEYS = ['fromRound', 'params', 'catalogue']
const MAX_BOOTSTRAP = 256
// a multiaddr with a peer id: `/proto/value/…/p2p/<id>`, printable, no spaces
const MULTIADDR = /^(?:\/[A-Za-z0-9._~:%+=-]+)+\/p2p\/[A-Za-z0-9]+$/

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value for an error message: its JSON, cut short; never throws, even for a value nested too deep to stringify. */
function shown(value: unknown, max = 80): string {
  try {
    return String(JSON.stringify(value)).slice(0, max)
  } catch {
    return `a ${Array.isArray(value) ? 'list' : typeof value} too deep to show`
  }
}

function deepFreeze<T>(value: T): T {
  // a typed array with elements cannot be frozen (the catalogue's block): it is never handed out to be changed
  if (ArrayBuffer.isView(value)) return value
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/**
 * Parses and validates the text of a config file. Throws TrackerConfigError naming `path` and
 * the first bad key; never returns a partly valid config.
 */
export function parseTrackerConfig(
  text: string,
  path: string,
  files: CatalogueFiles = { readFile: (p) => readFileSync(p) },
): TrackerConfig {
  const fail = (key: string, rule: string, cause?: unknown): never => {
    throw new TrackerConfigError('CONFIG_INVALID', path, key, `tracker config ${path}: ${key ? `${key} ` : ''}${rule}`, { cause })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    fail('', `is not valid JSON (${(err as Error).message})`, err)
  }
  if (!isPlainObject(raw)) return fail('', 'must be a JSON object like {"preset": "mainnet", "params": {}, "bootstrap": []}')
  for (const key of Object.keys(raw)) {
    if (!FILE_KEYS.includes(key)) fail(key, `is not a tracker config key (known: ${FILE_KEYS.join(', ')})`)
  }

  const preset = raw.preset
  if (typeof preset !== 'string' || !Object.hasOwn(presets, preset)) {
    fail('preset', `must be one of ${Object.keys(presets).join(', ')}, got ${preset === undefined ? 'nothing' : shown(preset)}`)
  }
  const overrides = raw.params ?? {}
  if (!isPlainObject(overrides)) fail('params', 'must be an object of ProtocolParams overrides')

  const bootstrap = raw.bootstrap ?? []
  if (!Array.isArray(bootstrap)) return fail('bootstrap', 'must be an array of multiaddrs like "/ip4/203.0.113.7/tcp/4001/p2p/12D3KooW…"')
  if (bootstrap.length > MAX_BOOTSTRAP) fail('bootstrap', `must list at most ${MAX_BOOTSTRAP} multiaddrs`)
  bootstrap.forEach((addr, i) => {
    if (typeof addr !== 'string' || addr.length > MAX_BOOTSTRAP_MULTIADDR_LENGTH || !MULTIADDR.test(addr)) {
      fail(`bootstrap[${i}]`, `must be a multiaddr ending in /p2p/<peer id>, got ${shown(addr)}`)
    }
  })
  if (new Set(bootstrap).size !== bootstrap.length) fail('bootstrap', 'lists a multiaddr twice')

  const minCheckerVersion = raw.minCheckerVersion
  if (minCheckerVersion !== undefined) {
    try {
      parseVersion(minCheckerVersion as string)
    } catch (err) {
      fail('minCheckerVersion', `must be a version like 1.2.3, got ${shown(minCheckerVersion)}`, err)
    }
  }

  const catalogue = raw.catalogue === undefined ? undefined : readCatalogue(raw.catalogue, path, files, fail)
  if (catalogue && (overrides as Partial<ProtocolParams>).catalogueCid !== undefined) {
    const named = (overrides as Partial<ProtocolParams>).catalogueCid
    if (named !== catalogue.cid)
      fail('params.catalogueCid', `is ${shown(named)}, but the catalogue file's CID is ${catalogue.cid}: drop one`)
  }
  const withCatalogue = catalogue ? { ...(overrides as object), catalogueCid: catalogue.cid } : overrides
  const params = checkedParams({ ...getPreset(preset as string), ...(withCatalogue as object) } as ProtocolParams, 'params', fail)
  if (minCheckerVersion !== undefined && !isVersionAtLeast(minCheckerVersion as string, params.minCheckerVersion)) {
    fail('minCheckerVersion', `must be at or above params.minCheckerVersion (${params.minCheckerVersion}), got ${shown(minCheckerVersion)}`)
  }
  const digest = digestOf(params, 'params', fail)
  const upcoming =
    raw.upcoming === undefined
      ? undefined
      : parseUpcoming(raw.upcoming, params, fail, (value) => readCatalogue(value, path, files, fail, 'upcoming.catalogue'))
  return deepFreeze({
    preset: preset as PresetName,
    params,
    paramsDigest: digest,
    bootstrap: [...(bootstrap as string[])],
    // the gate's minimum is policy: at or above the params' consensus floor, never below it
    minCheckerVersion: (minCheckerVersion as string | undefined) ?? params.minCheckerVersion,
    ...(upcoming ? { upcoming } : {}),
    ...(catalogue ? { catalogue } : {}),
  })
}

type Fail = (key: string, rule: string, cause?: unknown) => never

/** Validated params; a bad key fails naming it under `prefix` (`params.<key>`, `upcoming.params.<key>`). */
function checkedParams(params: ProtocolParams, prefix: string, fail: Fail): ProtocolParams {
  try {
    return validateParams(params)
  } catch (err) {
    if (err instanceof ProtocolError) {
      const key = typeof err.meta.key === 'string' && err.meta.key ? `${prefix}.${err.meta.key}` : prefix
      // validateParams says "params.<key> <rule>": keep its rule, name the file
      const own = `params.${err.meta.key} `
      return fail(key, err.message.startsWith(own) ? err.message.slice(own.length) : err.message, err)
    }
    return fail(prefix, `are invalid: ${(err as Error).message}`, err)
  }
}

function digestOf(params: ProtocolParams, key: string, fail: Fail): string {
  try {
    return paramsDigest(params)
  } catch (err) {
    return fail(key, `cannot be encoded: ${(err as Error).message}`, err)
  }
}

/** `upcoming: {fromRound, params}`: the overrides apply to the params in force, whose identity keys they may not change. */
function parseUpcoming(
  raw: unknown,
  inForce: ProtocolParams,
  fail: Fail,
  catalogueOf: (value: unknown) => ServedCatalogue,
): UpcomingParams & { catalogue?: ServedCatalogue } {
  if (!isPlainObject(raw)) return fail('upcoming', 'must be an object like {"fromRound": 1200, "params": {"tasksPerRound": 2000}}')
  for (const key of Object.keys(raw)) {
    if (!UPCOMING_KEYS.includes(key)) fail(`upcoming.${key}`, `is not a key of upcoming (known: ${UPCOMING_KEYS.join(', ')})`)
  }
  if (!Number.isSafeInteger(raw.fromRound) || (raw.fromRound as number) < 0) {
    fail('upcoming.fromRound', `must be a round number (an integer ≥ 0), got ${shown(raw.fromRound)}`)
  }
  if (!isPlainObject(raw.params)) fail('upcoming.params', 'must be an object of ProtocolParams overrides')
  // a new catalogue is a params change like any other: announced, its CID in the upcoming params
  const catalogue = raw.catalogue === undefined ? undefined : catalogueOf(raw.catalogue)
  const overrides = catalogue ? { ...(raw.params as object), catalogueCid: catalogue.cid } : (raw.params as object)
  const params = checkedParams({ ...inForce, ...overrides } as ProtocolParams, 'upcoming.params', fail)
  const identity = changedIdentityKeys(inForce, params)
  if (identity.length > 0) {
    fail(`upcoming.params.${identity[0]}`, 'never changes: a network with another one is another network, started on its own')
  }
  return {
    fromRound: raw.fromRound as number,
    params,
    paramsDigest: digestOf(params, 'upcoming.params', fail),
    ...(catalogue ? { catalogue } : {}),
  }
}

/** Reads and validates a config file; TrackerConfigError when it is unreadable or invalid. */
export async function loadTrackerConfig(path: string): Promise<TrackerConfig> {
  return parseTrackerConfig(await readConfigText(path), path)
}

/** Files larger than this are refused: a config is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024

export async function readConfigText(path: string): Promise<string> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new TrackerConfigError(
      'CONFIG_UNREADABLE',
      path,
      '',
      `tracker config ${path}: cannot read the file (${code}: ${(err as Error).message})`,
      {
        cause: err,
      },
    )
  }
  if (bytes.byteLength > MAX_CONFIG_BYTES) {
    throw new TrackerConfigError('CONFIG_INVALID', path, '', `tracker config ${path}: is larger than ${MAX_CONFIG_BYTES} bytes`)
  }
  return bytes.toString('utf8')
}
