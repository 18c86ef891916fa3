import {
  type Catalogue,
  checkGateOk,
  checkNetworkInfo,
  cidOfDagCbor,
  isOutdatedAnswer,
  type NetworkInfo,
  OUTDATED_CLIENT_BODY,
  parseVersion,
  TRACKER_CATALOGUE_PATH,
  TRACKER_GATE_PATH,
  TRACKER_MIN_VERSION_HEADER,
  TRACKER_NETWORK_PATH,
} from '@spark-swarm/protocol'
import { catalogueFromBlock } from '../catalogue-share/catalogue-block.js'
import type { ClockReading } from '../node/health/clock-check.js'
import { checkClientOptions, trackerBaseUrl } from './client-options.js'
import { answerJson, badAnswer, createTrackerGet, errorSummary, type TrackerGet } from './tracker-get.js'

/** The gate's verdict; an outdated one names the minimum when the tracker sent it in its header. */
export type GateAnswer = { outdated: false; minCheckerVersion: string } | { outdated: true; minCheckerVersion?: string }

export interface TrackerClientOptions {
  /** The tracker's base URL, e.g. `https://tracker.example.org` (a path prefix is kept). */
  url: string
  /** This checker's version, sent in `x-spark-swarm-version`. */
  checkerVersion: string
  fetch?: typeof globalThis.fetch
  /** Per request, body included; default 10_000. */
  timeoutMs?: number
}

export interface TrackerClient {
  /** The network's params, bootstrap list and catalogue; TrackerError when unavailable. */
  network(): Promise<NetworkInfo>
  /** Whether this checker's version is still accepted; TrackerError when the tracker cannot say. */
  gate(): Promise<GateAnswer>
  /** The tracker's clock as its last answer's `Date` header told it (for CLOCK_OFF, spec §5.4); undefined before any. */
  clockReading(): ClockReading | undefined
  /**
   * The catalogue whose CID is `cid` (the params' `catalogueCid`), checked by hashing: bytes that
   * do not hash to it are TRACKER_BAD_RESPONSE, whatever the tracker says (spec §1.3).
   */
  catalogue(cid: string): Promise<Catalogue>
}

function isVersion(text: string): boolean {
  try {
    parseVersion(text)
    return true
  } catch {
    return false
  }
}

/** The wire paths, relative to the base URL so that a path prefix of the tracker's URL is kept. */
const NETWORK = TRACKER_NETWORK_PATH.slice(1)
const GATE = TRACKER_GATE_PATH.slice(1)
const CATALOGUE = TRACKER_CATALOGUE_PATH.slice(1)
/** Spark's catalogue (≈ 3,300 entries) is a few hundred kilobytes; the tracker refuses files over 64 MiB. */
const MAX_CATALOGUE_BYTES = 64 * 1024 * 1024

/**
 * A client of the tracker's wire contract (protocol's tracker-wire): every answer is checked, and
 * anything the contract does not allow is a TrackerError, never a half-read value.
 */
export function createTrackerClient(options: TrackerClientOptions): TrackerClient {
  const { checkerVersion, timeoutMs = 10_000 } = options
  const base = trackerBaseUrl(options.url)
  checkClientOptions(checkerVersion, timeoutMs)
  const plainGet = createTrackerGet({ base, checkerVersion, fetch: options.fetch ?? globalThis.fetch, timeoutMs })
  let reading: ClockReading | undefined
  // every answer carries the tracker's Date: the last one read is the node's clock reference
  const get: TrackerGet = async (path, accept, maxBytes) => {
    const sentAt = Date.now()
    const answer = await plainGet(path, accept, maxBytes)
    const trackerDate = Date.parse(answer.headers.get('date') ?? '')
    if (Number.isFinite(trackerDate)) reading = { trackerDate, sentAt, receivedAt: Date.now() }
    return answer
  }

  return Object.freeze({
    clockReading: () => reading,
    async network(): Promise<NetworkInfo> {
      const answer = await get(NETWORK, 'application/json')
      if (answer.status !== 200) throw badAnswer(answer, `expected 200 ${errorSummary(answer.text)}`)
      const checked = checkNetworkInfo(answerJson(answer))
      if (!checked.ok) throw badAnswer(answer, checked.problem, checked.cause)
      return checked.value
    },

    async gate(): Promise<GateAnswer> {
      const answer = await get(GATE, 'application/json, text/plain')
      if (isOutdatedAnswer(answer.status, answer.text)) {
        // the body must stay Spark's exact text, so the minimum comes in a header; a bad one is left out, not trusted
        const min = answer.headers.get(TRACKER_MIN_VERSION_HEADER)
        return min !== null && isVersion(min) ? { outdated: true, minCheckerVersion: min } : { outdated: true }
      }
      if (answer.status !== 200) throw badAnswer(answer, `expected 200 or 400 ${OUTDATED_CLIENT_BODY} ${errorSummary(answer.text)}`)
      const checked = checkGateOk(answerJson(answer))
      if (!checked.ok) throw badAnswer(answer, checked.problem, checked.cause)
      return { outdated: false, minCheckerVersion: checked.value.minCheckerVersion }
    },

    async catalogue(cid: string): Promise<Catalogue> {
      const answer = await get(`${CATALOGUE}?cid=${encodeURIComponent(cid)}`, 'application/vnd.ipld.dag-cbor', MAX_CATALOGUE_BYTES)
      if (answer.status !== 200) throw badAnswer(answer, `expected 200 with catalogue ${cid} ${errorSummary(answer.text)}`)
      const got = cidOfDagCbor(answer.bytes).toString()
      if (got !== cid) throw badAnswer(answer, `the catalogue's bytes hash to ${got}, not to ${cid} as the params say`)
      try {
        // the same check as a peer's block gets (spec §1.3): decodes, and is its own encoding
        return catalogueFromBlock(cid, answer.bytes)
      } catch (err) {
        throw badAnswer(answer, `catalogue ${cid} is not a catalogue: ${(err as Error).message}`, err)
      }
    },
  })
}
