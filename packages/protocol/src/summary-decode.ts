import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { ProtocolError } from './errors.js'
import type { CommitteeBlock, RoundSummary } from './summary.js'

/*
 * Decoders of the blocks a summary is made of (spec §9). They reach us from peers (convergence
 * catch-up) and from files (`spark-swarm verify`), so every failure is a ProtocolError with a code:
 * SUMMARY_MALFORMED, COMMITTEE_BLOCK_MALFORMED or MEASUREMENT_LIST_MALFORMED. They check the types
 * of the fields readers use; full verification re-derives the blocks from the measurements.
 */

// SUMMARY_VERSION and SUMMARY_VERSION_ADMISSION of summary.ts; kept here so that the two modules
// do not import each other. Committee blocks are of version 1 in both.
const VERSION = 1
const VERSION_ADMISSION = 2
const PARTICIPANT = /^0x[0-9a-f]{40}$/
const HEX64 = /^[0-9a-f]{64}$/

type Fail = (message: string) => never

function decodeMap(bytes: Uint8Array, what: string, fail: Fail, versions: readonly number[] = [VERSION]): Record<string, unknown> {
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    fail(`not DAG-CBOR: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || CID.asCID(value)) {
    fail(`${what} must be a map`)
  }
  const map = value as Record<string, unknown>
  if (!versions.includes(map.version as number)) fail(`not ${what} of version ${versions.join(' or ')}`)
  return map
}

const isUint = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && CID.asCID(v) === null

/** The fields root and committee blocks share: what round of which network under which rules. */
function checkRoundFields(m: Record<string, unknown>, fail: Fail): void {
  if (typeof m.network !== 'string') fail('network must be a string')
  if (!isUint(m.round)) fail('round must be a non-negative integer')
  if (typeof m.paramsDigest !== 'string' || !HEX64.test(m.paramsDigest)) fail('paramsDigest must be 64 lowercase hex digits')
  if (typeof m.randomness !== 'string' || !HEX64.test(m.randomness)) fail('randomness must be 64 lowercase hex digits')
}

function checkCounts(value: unknown, name: string, fail: Fail): void {
  if (!isMap(value)) fail(`${name} must be a map of counts`)
  for (const n of Object.values(value)) if (!isUint(n)) fail(`${name} must hold non-negative integers`)
}

/** Decodes a summary root block; throws SUMMARY_MALFORMED naming the field that is off. */
export function decodeRoundSummary(bytes: Uint8Array): RoundSummary {
  const fail: Fail = (message) => {
    throw new ProtocolError('SUMMARY_MALFORMED', `round summary: ${message}`)
  }
  const s = decodeMap(bytes, 'a round summary', fail, [VERSION, VERSION_ADMISSION])
  checkRoundFields(s, fail)
  if (s.catalogue !== null && CID.asCID(s.catalogue) === null) fail('catalogue must be a link or null')
  if (!Array.isArray(s.committees) || !s.committees.every((c) => CID.asCID(c) !== null)) fail('committees must be a list of links')
  if (!isMap(s.providers)) fail('providers must be a map')
  for (const [minerId, p] of Object.entries(s.providers)) {
    if (!isMap(p) || !isMap(p.perRequest) || !isMap(p.committee) || !isMap(p.committeeFraction)) {
      fail(`providers.${minerId.slice(0, 40)} must hold perRequest, committee and committeeFraction`)
    }
    for (const n of [p.perRequest.successes, p.perRequest.total, p.committee.successes, p.committee.total]) {
      if (!isUint(n)) fail(`providers.${minerId.slice(0, 40)} must count with non-negative integers`)
    }
    if (!isUint(p.committeeFraction.ppm) || !isUint(p.committeeFraction.committees)) {
      fail(`providers.${minerId.slice(0, 40)}.committeeFraction must hold non-negative integers`)
    }
    checkCounts(p.excluded, `providers.${minerId.slice(0, 40)}.excluded`, fail)
  }
  if (s.previous !== null && CID.asCID(s.previous) === null) fail('previous must be a link or null')
  checkAdmission(s, fail)
  return s as unknown as RoundSummary
}

/** Version 2 roots, and only they, record the admission snapshot (spec §13.7). */
function checkAdmission(s: Record<string, unknown>, fail: Fail): void {
  if (s.version === VERSION) {
    if (s.admission !== undefined) fail('a version-1 summary has no admission')
    return
  }
  const a = s.admission
  if (!isMap(a)) fail('a version-2 summary must hold admission')
  if (a.height !== null && !isUint(a.height)) fail('admission.height must be a non-negative integer or null')
  if (CID.asCID(a.eligible) === null) fail('admission.eligible must be a link')
}

/** Decodes a committee block; throws COMMITTEE_BLOCK_MALFORMED naming the field that is off. */
export function decodeCommitteeBlock(bytes: Uint8Array): CommitteeBlock {
  const fail: Fail = (message) => {
    throw new ProtocolError('COMMITTEE_BLOCK_MALFORMED', `committee block: ${message}`)
  }
  const c = decodeMap(bytes, 'a committee block', fail)
  checkRoundFields(c, fail)
  const task = c.task
  if (!isMap(task) || typeof task.cid !== 'string' || typeof task.minerId !== 'string') {
    fail('task must be a map of cid and minerId strings')
  }
  if (!isUint(c.size)) fail('size must be a non-negative integer')
  if (typeof c.indexMajorityFound !== 'boolean' || typeof c.retrievalMajorityFound !== 'boolean') {
    fail('indexMajorityFound and retrievalMajorityFound must be booleans')
  }
  if (typeof c.indexerResult !== 'string' || typeof c.retrievalResult !== 'string')
    fail('indexerResult and retrievalResult must be strings')
  checkCounts(c.counts, 'counts', fail)
  if (CID.asCID(c.measurements) === null) fail('measurements must be a link')
  return c as unknown as CommitteeBlock
}

/** Decodes a committee's measurement-list block; throws MEASUREMENT_LIST_MALFORMED unless it is a list of links. */
export function decodeMeasurementList(bytes: Uint8Array): CID[] {
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    throw new ProtocolError('MEASUREMENT_LIST_MALFORMED', `measurement list: not DAG-CBOR: ${(err as Error).message}`)
  }
  if (!Array.isArray(value) || !value.every((c) => CID.asCID(c) !== null)) {
    throw new ProtocolError('MEASUREMENT_LIST_MALFORMED', 'measurement list: must be a list of links')
  }
  return value as CID[]
}

/** Decodes a version-2 summary's eligible list; throws PARTICIPANT_LIST_MALFORMED unless it is participants in ascending order. */
export function decodeParticipantList(bytes: Uint8Array): string[] {
  const fail = (message: string): never => {
    throw new ProtocolError('PARTICIPANT_LIST_MALFORMED', `eligible list: ${message}`)
  }
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    fail(`not DAG-CBOR: ${(err as Error).message}`)
  }
  if (!Array.isArray(value)) return fail('must be a list of participants')
  value.forEach((p, i) => {
    if (typeof p !== 'string' || !PARTICIPANT.test(p)) fail(`entry ${i} is not a participant (0x and 40 lowercase hex digits)`)
    if (i > 0 && p <= value[i - 1]) fail(`entry ${i} is not above the one before it: the list must be sorted, without repeats`)
  })
  return value as string[]
}
