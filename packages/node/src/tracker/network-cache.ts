import { randomBytes } from 'node:crypto'
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import {
  checkUpcoming,
  type ProtocolParams,
  paramsDigest,
  paramsForRound,
  roundAt,
  type UpcomingParams,
  upcomingParams,
  validateParams,
} from '@spark-swarm/protocol'
import { StoreError, writeError } from '../store/errors.js'
import { syncDir } from '../store/sync-dir.js'
import type { TrackerClient } from './client.js'
import { TrackerError } from './errors.js'

/*
 * The tracker's network params and bootstrap list, kept in `<dataDir>/network.json` each time the
 * tracker answers, so that a node whose tracker is down starts (and keeps running) on the params
 * it last had. The file is written atomically and checked on every read.
 */

export const NETWORK_CACHE_FILE = 'network.json'
const CACHE_VERSION = 1
const MAX_CACHE_BYTES = 1024 * 1024

/** What `network.json` holds. */
export interface CachedNetwork {
  /** The tracker URL the params came from. */
  tracker: string
  /** Unix ms when the tracker gave them. */
  savedAt: number
  params: ProtocolParams
  bootstrap: string[]
  /** The announced change the tracker served with them (spec §1.3), when there was one. */
  upcoming?: UpcomingParams
}

/** The network a node joins, and where its params came from. */
export interface JoinedNetwork {
  /** The params in force now: an announced change that took effect is applied, also to cached params. */
  params: ProtocolParams
  /** The announced change still ahead, if any. */
  upcoming?: UpcomingParams
  bootstrap: string[]
  source: 'tracker' | 'cache'
  /** The cache file: written when `source` is `tracker`, read when it is `cache`. */
  cachePath: string
  /** When the tracker gave the params (now, for `tracker`). */
  savedAt: number
  /** Why the tracker was not used, when `source` is `cache`: for the warning the caller shows. */
  trackerError?: TrackerError
}

/**
 * Asks the tracker for the network and caches its answer in the data dir; when the tracker cannot
 * answer (TrackerError), falls back to the cached answer. Throws TrackerError
 * NETWORK_PARAMS_UNAVAILABLE when there is neither, StoreError NETWORK_CACHE_INVALID for a broken
 * cache, and StoreError STORE_DISK_FULL / DATA_DIR_NOT_WRITABLE when the cache cannot be written.
 *
 * @example
 * const network = await joinNetwork({ tracker: createTrackerClient({ url, checkerVersion }), trackerUrl: url, dataDir })
 * if (network.trackerError) log.warn(`tracker down, using params cached ${new Date(network.savedAt).toISOString()}`)
 */
export async function joinNetwork(options: {
  tracker: Pick<TrackerClient, 'network'>
  trackerUrl: string
  dataDir: string
}): Promise<JoinedNetwork> {
  const { tracker, trackerUrl, dataDir } = options
  const cachePath = join(dataDir, NETWORK_CACHE_FILE)
  let trackerError: TrackerError
  try {
    const info = await tracker.network()
    const entry: CachedNetwork = {
      tracker: trackerUrl,
      savedAt: Date.now(),
      params: info.params,
      bootstrap: info.bootstrap,
      ...(info.upcoming ? { upcoming: info.upcoming } : {}),
    }
    await writeNetworkCache(dataDir, entry)
    return { ...inForce(entry, entry.savedAt), bootstrap: info.bootstrap, source: 'tracker', cachePath, savedAt: entry.savedAt }
  } catch (err) {
    if (!(err instanceof TrackerError)) throw err
    trackerError = err
  }
  const cached = await readNetworkCache(dataDir)
  if (cached === undefined) {
    throw new TrackerError(
      'NETWORK_PARAMS_UNAVAILABLE',
      `${trackerError.message}, and no network params are cached in ${cachePath} (a node caches them each time it reaches ` +
        'its tracker): start it once while the tracker is reachable, or run it without a tracker on params you give it',
      { cause: trackerError },
    )
  }
  if (cached.tracker !== trackerUrl) {
    throw new TrackerError(
      'NETWORK_PARAMS_UNAVAILABLE',
      `${trackerError.message}, and the network params cached in ${cachePath} came from another tracker (${cached.tracker}): ` +
        'start once while this tracker is reachable, or use the tracker they came from',
      { cause: trackerError },
    )
  }
  return { ...inForce(cached, Date.now()), bootstrap: cached.bootstrap, source: 'cache', cachePath, savedAt: cached.savedAt, trackerError }
}

/** The params in force at `nowMs`, and the announcement still ahead then. */
function inForce(network: Pick<CachedNetwork, 'params' | 'upcoming'>, nowMs: number): Pick<JoinedNetwork, 'params' | 'upcoming'> {
  const schedule = { params: network.params, paramsDigest: paramsDigest(network.params), upcoming: network.upcoming }
  const round = roundAt(network.params, nowMs)
  const ahead = upcomingParams(schedule, round)
  return { params: paramsForRound(schedule, round).params, ...(ahead ? { upcoming: ahead } : {}) }
}

/**
 * Writes `<dataDir>/network.json` atomically (a temp file, fsynced, renamed over the old one, the
 * dir fsynced), mode 0600: a crash leaves the old file or the new one, never half of one.
 */
export async function writeNetworkCache(dataDir: string, entry: CachedNetwork): Promise<void> {
  const path = join(dataDir, NETWORK_CACHE_FILE)
  const body = `${JSON.stringify({ version: CACHE_VERSION, ...entry, paramsDigest: paramsDigest(entry.params) }, null, 2)}\n`
  const tmp = join(dataDir, `.${NETWORK_CACHE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(tmp, 'wx', 0o600)
    try {
      await handle.writeFile(body, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
    await syncDir(dataDir)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw writeError(err, path, 'the network params cache')
  }
}

/** The cached network, undefined when there is no cache; StoreError NETWORK_CACHE_INVALID when it does not check out. */
export async function readNetworkCache(dataDir: string): Promise<CachedNetwork | undefined> {
  const path = join(dataDir, NETWORK_CACHE_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined
    throw invalid(path, `it cannot be read (${(err as Error).message})`, err)
  }
  if (text.length > MAX_CACHE_BYTES) throw invalid(path, `it has ${text.length} bytes, more than a cache ever holds`)
  let file: Record<string, unknown>
  try {
    file = JSON.parse(text)
  } catch (err) {
    throw invalid(path, 'it is not JSON', err)
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw invalid(path, 'it is not a JSON object')
  if (file.version !== CACHE_VERSION) throw invalid(path, `its version is ${JSON.stringify(file.version)}, expected ${CACHE_VERSION}`)
  if (typeof file.tracker !== 'string') throw invalid(path, 'it names no tracker')
  if (typeof file.savedAt !== 'number' || !Number.isFinite(file.savedAt)) throw invalid(path, 'it has no savedAt time')
  let params: ProtocolParams
  try {
    params = validateParams(file.params as ProtocolParams)
  } catch (err) {
    throw invalid(path, `its params are invalid: ${(err as Error).message}`, err)
  }
  if (file.paramsDigest !== paramsDigest(params)) throw invalid(path, 'its params do not match their digest')
  const bootstrap = file.bootstrap
  if (!Array.isArray(bootstrap) || !bootstrap.every((a) => typeof a === 'string' && a.startsWith('/'))) {
    throw invalid(path, 'its bootstrap is not a list of multiaddrs')
  }
  let upcoming: UpcomingParams | undefined
  if (file.upcoming !== undefined) {
    const checked = checkUpcoming(file.upcoming, params)
    if (!checked.ok) throw invalid(path, `its ${checked.problem}`, checked.cause)
    upcoming = checked.value
  }
  return { tracker: file.tracker, savedAt: file.savedAt, params, bootstrap: [...bootstrap], ...(upcoming ? { upcoming } : {}) }
}

function invalid(path: string, why: string, cause?: unknown): StoreError {
  return new StoreError(
    'NETWORK_CACHE_INVALID',
    path,
    `the cached network params ${path} are unusable: ${why}. Delete the file and start the node while its tracker is reachable`,
    cause === undefined ? {} : { cause },
  )
}
