import { type ProtocolParams, paramsDigest, validateParams } from './params.js'
import { changedIdentityKeys, type UpcomingParams } from './params-change.js'
import { isVersionAtLeast, parseVersion } from './version.js'

/*
 * The tracker's wire contract, in one place: the tracker serves these shapes and the node's client
 * checks them, so a new endpoint or field is added here once and both sides see it. Pure: no
 * sockets; the HTTP plumbing lives with the server and the client.
 */

/** `GET /v1/network`: the network's params, bootstrap list and catalogue. */
export const TRACKER_NETWORK_PATH = '/v1/network'
/** `GET /v1/gate`: whether a checker's version is still accepted. */
export const TRACKER_GATE_PATH = '/v1/gate'
/**
 * `GET /v1/catalogue`: the catalogue the params in force name (`catalogueCid`), as its DAG-CBOR
 * block; a node checks that the bytes hash to that CID before it uses them (spec §1.3).
 */
export const TRACKER_CATALOGUE_PATH = '/v1/catalogue'
/** The header a checker sends its version in. */
export const TRACKER_VERSION_HEADER = 'x-spark-swarm-version'
/** The query parameter the gate also reads the version from, when the header is absent. */
export const TRACKER_VERSION_QUERY = 'version'
/** The header the gate answers the current minimum in (the outdated body must stay exact). */
export const TRACKER_MIN_VERSION_HEADER = 'x-spark-swarm-min-version'
/** The status of the outdated answer. */
export const OUTDATED_CLIENT_STATUS = 400
/** The exact body of the outdated answer, as Spark's orchestrator sends it (text/plain, no newline). */
export const OUTDATED_CLIENT_BODY = 'OUTDATED CLIENT'
/** A bootstrap multiaddr longer than this is refused, by the tracker's config and by the client. */
export const MAX_BOOTSTRAP_MULTIADDR_LENGTH = 1024

/** What `GET /v1/network` answers. The keys are serialised in this order. */
export interface NetworkInfo {
  network: string
  params: ProtocolParams
  /** Checked against the params: equal to `paramsDigest(params)`. */
  paramsDigest: string
  bootstrap: string[]
  catalogueCid: string | null
  minCheckerVersion: string
  /** An announced change of the params (spec §1.3): from `fromRound` on, `upcoming.params` are in force. */
  upcoming?: UpcomingParams
}

/** The gate's 200 answer; an outdated checker gets `400 OUTDATED CLIENT` instead. */
export interface GateOkBody {
  ok: true
  minCheckerVersion: string
}

/** The tracker's JSON error body, on every other 4xx/5xx. */
export interface TrackerErrorBody {
  error: string
  message: string
}

/** A wire check: the value, or what is wrong with it (for an error message naming the tracker). */
export type WireCheck<T> = { ok: true; value: T } | { ok: false; problem: string; cause?: unknown }

/**
 * The `/v1/network` body for validated params, in the wire's key order. `paramsDigest` is passed
 * in because the tracker computed it once when it read its config.
 */
export function networkInfoBody(
  params: ProtocolParams,
  digest: string,
  bootstrap: readonly string[],
  /** The gate's minimum (policy), at or above `params.minCheckerVersion` (the consensus floor). */
  gateMinimum: string = params.minCheckerVersion,
  /** The announced change still ahead, if any. */
  upcoming?: UpcomingParams,
): NetworkInfo {
  return {
    network: params.network,
    params,
    paramsDigest: digest,
    bootstrap: [...bootstrap],
    catalogueCid: params.catalogueCid,
    minCheckerVersion: gateMinimum,
    ...(upcoming ? { upcoming: { fromRound: upcoming.fromRound, params: upcoming.params, paramsDigest: upcoming.paramsDigest } } : {}),
  }
}

/** The gate's 200 body. */
export function gateOkBody(minCheckerVersion: string): GateOkBody {
  return { ok: true, minCheckerVersion }
}

/** Whether an answer is the gate's outdated verdict: exactly `400` and exactly `OUTDATED CLIENT`. */
export function isOutdatedAnswer(status: number, text: string): boolean {
  return status === OUTDATED_CLIENT_STATUS && text === OUTDATED_CLIENT_BODY
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Checks a parsed `/v1/network` body: valid params, and every copied field equal to its value in
 * the params (so a tracker cannot say one thing at the top and another inside).
 */
export function checkNetworkInfo(body: unknown): WireCheck<NetworkInfo> {
  if (!isObject(body)) return { ok: false, problem: 'the body is not a JSON object' }
  let params: ProtocolParams
  try {
    params = validateParams(body.params as ProtocolParams)
  } catch (err) {
    return { ok: false, problem: `invalid params: ${(err as Error).message}`, cause: err }
  }
  if (body.network !== params.network) return { ok: false, problem: 'network differs from params.network' }
  if (body.paramsDigest !== paramsDigest(params)) return { ok: false, problem: 'paramsDigest does not match the params' }
  if (body.catalogueCid !== params.catalogueCid) return { ok: false, problem: 'catalogueCid differs from params.catalogueCid' }
  // the gate's minimum is policy, at or above the params' consensus floor
  if (typeof body.minCheckerVersion !== 'string' || !isVersionOrUndefined(body.minCheckerVersion)) {
    return { ok: false, problem: 'minCheckerVersion is not a version like 1.2.3' }
  }
  if (!isVersionAtLeast(body.minCheckerVersion, params.minCheckerVersion)) {
    return { ok: false, problem: 'minCheckerVersion is below params.minCheckerVersion' }
  }
  const bootstrap = body.bootstrap
  if (
    !Array.isArray(bootstrap) ||
    !bootstrap.every((a) => typeof a === 'string' && a.startsWith('/') && a.length <= MAX_BOOTSTRAP_MULTIADDR_LENGTH)
  ) {
    return { ok: false, problem: 'bootstrap is not a list of multiaddrs' }
  }
  const upcoming = body.upcoming === undefined ? undefined : checkUpcoming(body.upcoming, params)
  if (upcoming && !upcoming.ok) return upcoming
  return {
    ok: true,
    value: networkInfoBody(params, body.paramsDigest as string, bootstrap, body.minCheckerVersion, upcoming?.value),
  }
}

/**
 * Checks an announced change against the params in force: valid params, their digest, a round,
 * and the same identity keys (a change of those is another network, spec §1.3).
 */
export function checkUpcoming(value: unknown, inForce: ProtocolParams): WireCheck<UpcomingParams> {
  if (!isObject(value)) return { ok: false, problem: 'upcoming is not an object {fromRound, params, paramsDigest}' }
  if (!Number.isSafeInteger(value.fromRound) || (value.fromRound as number) < 0) {
    return { ok: false, problem: 'upcoming.fromRound is not a round number' }
  }
  let params: ProtocolParams
  try {
    params = validateParams(value.params as ProtocolParams)
  } catch (err) {
    return { ok: false, problem: `invalid upcoming.params: ${(err as Error).message}`, cause: err }
  }
  if (value.paramsDigest !== paramsDigest(params)) return { ok: false, problem: 'upcoming.paramsDigest does not match upcoming.params' }
  const changed = changedIdentityKeys(inForce, params)
  if (changed.length > 0) return { ok: false, problem: `upcoming.params change ${changed.join(', ')}, which never change` }
  return { ok: true, value: { fromRound: value.fromRound as number, params, paramsDigest: value.paramsDigest } }
}

/** Checks a parsed gate 200 body. */
export function checkGateOk(body: unknown): WireCheck<GateOkBody> {
  if (!isObject(body) || body.ok !== true || typeof body.minCheckerVersion !== 'string') {
    return { ok: false, problem: 'expected {"ok": true, "minCheckerVersion": …}' }
  }
  try {
    parseVersion(body.minCheckerVersion)
  } catch (err) {
    return { ok: false, problem: 'minCheckerVersion is not a version', cause: err }
  }
  return { ok: true, value: gateOkBody(body.minCheckerVersion) }
}

/** The tracker's `{error, message}` when the text is one, for an error message; undefined otherwise. */
export function parseTrackerErrorBody(text: string): { error: string; message: unknown } | undefined {
  try {
    const body: unknown = JSON.parse(text)
    if (isObject(body) && typeof body.error === 'string') return { error: body.error, message: body.message }
  } catch {
    // not JSON
  }
  return undefined
}

function isVersionOrUndefined(text: string): boolean {
  try {
    parseVersion(text)
    return true
  } catch {
    return false
  }
}
