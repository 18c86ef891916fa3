import { sign } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { PARTICIPANT_PATTERN } from './admission/binding.js'
import type { RetrievalTask } from './catalogue.js'
import { cidOfDagCbor } from './cid.js'
import { DOMAIN, domainHash } from './domain.js'
import { ProtocolError } from './errors.js'
import { encodeValidatedMeasurement, encodeValidatedMeasurementPair } from './measurement-cbor.js'
import { FIELDS_V1, FIELDS_V2, NULLABLE_INTEGERS, NULLABLE_STRINGS } from './measurement-fields.js'
import { decodeCanonical, verifyStationSignature } from './signed-dag-cbor.js'
import type { StationKey } from './station-id.js'

/**
 * One retrieval check, as a checker reports it. Times are unix milliseconds; absent values are
 * `null` (never `undefined`) so that every measurement has one canonical encoding.
 */
export interface Measurement {
  protocolVersion: number
  network: string
  round: number
  task: RetrievalTask
  /** The checker's station id (hex SPKI DER of its Ed25519 key). */
  stationId: string
  /** Self-reported network group, e.g. `203.0.113.0/24` or an IPv6 /48. */
  inetGroup: string
  checkerVersion: string
  /** IPNI outcome: OK, HTTP_NOT_ADVERTISED, NO_VALID_ADVERTISEMENT, ERROR_<n>, ERROR_FETCH. */
  indexerResult: string | null
  /** 'http' | 'bitswap' | 'graphsync'. */
  protocol: string | null
  providerId: string | null
  providerAddress: string | null
  statusCode: number | null
  headStatusCode: number | null
  timeout: boolean
  carTooLarge: boolean
  byteLength: number | null
  /** Multihash hex (`1220…`) of the whole response. */
  carChecksum: string | null
  startAt: number | null
  firstByteAt: number | null
  endAt: number | null
  /** Derived from the fields above by `retrievalResultOf`; peers check it. */
  retrievalResult: string
  /** Version 2 only, with the two binding fields (spec §13.3); absent, not null, in version 1. */
  participant?: string
  /** Version 2 only: `fromRound` of the station's binding to `participant`. */
  bindingFromRound?: number
  /** Version 2 only: the participant's EIP-191 signature of the binding, 65 bytes (spec §13.2). */
  bindingSignature?: Uint8Array
}

/** What a version-2 measurement adds (spec §13.3): whom it checks for, and the binding that says so. */
export interface ParticipantBinding {
  /** `0x` and 40 lowercase hex digits. */
  participant: string
  bindingFromRound: number
  bindingSignature: Uint8Array
}

/**
 * Whether the measurement is of version 2, and so carries a binding. Shape validation makes the
 * two the same: version 2 requires the three fields, every other version refuses them.
 */
export function isVersion2<M extends Measurement>(m: M): m is M & ParticipantBinding {
  return m.protocolVersion === 2
}

export interface SignedMeasurement extends Measurement {
  /** Ed25519 signature (64 bytes) over `measurementSigningDigest`. */
  signature: Uint8Array
}

/** Larger gossip messages are rejected before decoding. */
export const MAX_MEASUREMENT_BYTES = 2048

/**
 * Version 2's bound (spec §13.3): its three fields add up to 167 bytes, and a measurement at every
 * string limit (2,070 bytes) would not fit in 2048. Version 1 keeps its own.
 */
export const MAX_MEASUREMENT_BYTES_V2 = 2304

/** The largest signed encoding a measurement of this protocol version may have. */
export function maxMeasurementBytes(protocolVersion: number): number {
  return protocolVersion === 2 ? MAX_MEASUREMENT_BYTES_V2 : MAX_MEASUREMENT_BYTES
}

const STRING_LIMITS = {
  network: 63,
  stationId: 88,
  inetGroup: 64,
  checkerVersion: 32,
  indexerResult: 64,
  protocol: 16,
  providerId: 128,
  providerAddress: 512,
  carChecksum: 140,
  retrievalResult: 64,
} as const
const TASK_CID_LIMIT = 256
const TASK_MINER_LIMIT = 64

/** The string fields as [name, limit, nullable], made once: a round's file validates 250k measurements. */
const STRING_FIELDS = Object.entries(STRING_LIMITS).map(
  ([name, limit]) => [name, limit, (NULLABLE_STRINGS as readonly string[]).includes(name)] as const,
)
const FIELDS = new Set(FIELDS_V1)
const FIELDS_WITH_BINDING = new Set(FIELDS_V2)

function malformed(message: string): never {
  throw new ProtocolError('MEASUREMENT_MALFORMED', message)
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/

function checkString(value: unknown, name: string, limit: number, nullable: boolean): void {
  if (value === null && nullable) return
  if (typeof value !== 'string') malformed(`${name} must be a string${nullable ? ' or null' : ''}`)
  if (value.length > limit) malformed(`${name} is longer than ${limit} characters`)
  // no field is text for people: control characters only forge log lines
  if (CONTROL.test(value)) malformed(`${name} contains a control character`)
}

/**
 * Checks a decoded value has exactly the measurement's fields with their types and bounds, and
 * returns it typed (plus `signature` when `signed`). Throws MEASUREMENT_MALFORMED naming the field.
 */
export function validateMeasurementShape(value: unknown, signed: true): SignedMeasurement
export function validateMeasurementShape(value: unknown, signed: false): Measurement
export function validateMeasurementShape(value: unknown, signed: boolean): Measurement | SignedMeasurement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed('a measurement must be a map')
  const m = value as Record<string, unknown>
  // the binding fields are version 2's (spec §13.3): in any other version they are unknown keys
  const fields = m.protocolVersion === 2 ? FIELDS_WITH_BINDING : FIELDS
  for (const k of Object.keys(m)) {
    if (!fields.has(k) && !(signed && k === 'signature')) malformed(`unknown field ${JSON.stringify(k.slice(0, 40))}`)
  }
  if (!Number.isSafeInteger(m.protocolVersion) || (m.protocolVersion as number) < 1) malformed('protocolVersion must be a positive integer')
  if (!Number.isSafeInteger(m.round) || (m.round as number) < 0) malformed('round must be a non-negative integer')
  for (const [name, limit, nullable] of STRING_FIELDS) checkString(m[name], name, limit, nullable)
  const task = m.task as Record<string, unknown>
  if (typeof task !== 'object' || task === null || Array.isArray(task) || Object.keys(task).length !== 2) {
    malformed('task must be a map of exactly cid and minerId')
  }
  // one key, one id: station ids are lowercase, as our keys produce them, so that the same key
  // cannot appear under several ids with different task assignments
  if (!/^302a300506032b6570032100[0-9a-f]{64}$/.test(m.stationId as string)) {
    malformed('stationId must be 88 lowercase hex digits: the SPKI DER of an Ed25519 key')
  }
  checkString(task.cid, 'task.cid', TASK_CID_LIMIT, false)
  checkString(task.minerId, 'task.minerId', TASK_MINER_LIMIT, false)
  for (const name of NULLABLE_INTEGERS) {
    const v = m[name]
    if (v !== null && (!Number.isSafeInteger(v) || (v as number) < 0)) malformed(`${name} must be a non-negative integer or null`)
  }
  if (typeof m.timeout !== 'boolean') malformed('timeout must be a boolean')
  if (typeof m.carTooLarge !== 'boolean') malformed('carTooLarge must be a boolean')
  for (const name of fields) if (!(name in m)) malformed(`missing field ${name}`)
  if (fields === FIELDS_WITH_BINDING) checkBindingFields(m)
  if (signed && !(m.signature instanceof Uint8Array && m.signature.length === 64)) malformed('signature must be 64 bytes')
  return m as unknown as Measurement
}

/** The version-2 fields' types (spec §13.3); `bindingFromRound ≤ round` is evaluation's (BINDING_INVALID), not shape's. */
function checkBindingFields(m: Record<string, unknown>): void {
  if (typeof m.participant !== 'string' || !PARTICIPANT_PATTERN.test(m.participant))
    malformed('participant must be 0x and 40 lowercase hex digits')
  if (!Number.isSafeInteger(m.bindingFromRound) || (m.bindingFromRound as number) < 0)
    malformed('bindingFromRound must be a non-negative integer')
  if (!(m.bindingSignature instanceof Uint8Array && m.bindingSignature.length === 65)) malformed('bindingSignature must be 65 bytes')
}

/** The signed form as a fresh object of fixed shape: V8 keeps such objects compact (a round holds 250k). */
export function signedView(m: SignedMeasurement): SignedMeasurement {
  const view = unsignedView(m) as SignedMeasurement
  view.signature = m.signature
  return view
}

/** A fresh object literal of fixed shape and key order, without the signature. */
export function unsignedView(m: Measurement): Measurement {
  const view: Measurement = {
    protocolVersion: m.protocolVersion,
    network: m.network,
    round: m.round,
    task: { cid: m.task.cid, minerId: m.task.minerId },
    stationId: m.stationId,
    inetGroup: m.inetGroup,
    checkerVersion: m.checkerVersion,
    indexerResult: m.indexerResult,
    protocol: m.protocol,
    providerId: m.providerId,
    providerAddress: m.providerAddress,
    statusCode: m.statusCode,
    headStatusCode: m.headStatusCode,
    timeout: m.timeout,
    carTooLarge: m.carTooLarge,
    byteLength: m.byteLength,
    carChecksum: m.carChecksum,
    startAt: m.startAt,
    firstByteAt: m.firstByteAt,
    endAt: m.endAt,
    retrievalResult: m.retrievalResult,
  }
  // added in one order, so every version-2 view still shares one hidden class; never as
  // `undefined` keys in version 1, whose encoding has exactly its 21 fields
  if (isVersion2(m)) {
    const v2 = view as Measurement & ParticipantBinding
    v2.participant = m.participant
    v2.bindingFromRound = m.bindingFromRound
    v2.bindingSignature = m.bindingSignature
  }
  return view
}

/** Canonical DAG-CBOR of the measurement without its signature: the bytes that get signed. */
export function encodeMeasurement(m: Measurement): Uint8Array {
  return encodeValidatedMeasurement(validateMeasurementShape(unsignedView(m), false), { signed: false })
}

/**
 * The 32-byte digest a checker signs: domain-separated SHA-256 of the canonical unsigned bytes.
 * The bytes hold network, round and protocol version, so a signature never verifies for another
 * network, round or version: replays fail by construction.
 */
export function measurementSigningDigest(m: Measurement): Uint8Array {
  return domainHash(DOMAIN.measurementSignature, encodeMeasurement(m))
}

export function signMeasurement(m: Measurement, key: Pick<StationKey, 'stationId' | 'privateKey'>): SignedMeasurement {
  if (m.stationId !== key.stationId) {
    throw new ProtocolError('MEASUREMENT_WRONG_KEY', 'the measurement names another station id than the signing key')
  }
  const signature = new Uint8Array(sign(null, measurementSigningDigest(m), key.privateKey))
  const signed = { ...unsignedView(m), signature }
  encodeSignedMeasurement(signed) // throws when peers would refuse it
  return signed
}

export function encodeSignedMeasurement(m: SignedMeasurement): Uint8Array {
  return encodeValidSignedMeasurement(validateMeasurementShape({ ...unsignedView(m), signature: m.signature }, true))
}

/**
 * The encoding of a signed measurement that `validateMeasurementShape` has just returned, checked
 * only for its size. Internal to the protocol package (not exported from its index): callers
 * outside cannot show that nothing changed the measurement since it was validated.
 */
export function encodeValidSignedMeasurement(m: SignedMeasurement): Uint8Array {
  return withinSizeLimit(m, encodeValidatedMeasurement(m, { signed: true }))
}

/**
 * `encodeValidSignedMeasurement`'s bytes, and the unsigned bytes its signature is of, from one
 * encoding (`encodeValidatedMeasurementPair`). Internal, as that function is.
 */
export function encodeValidSignedMeasurementPair(m: SignedMeasurement): { signed: Uint8Array; unsigned: Uint8Array } {
  const pair = encodeValidatedMeasurementPair(m)
  withinSizeLimit(m, pair.signed)
  return pair
}

function withinSizeLimit(m: SignedMeasurement, bytes: Uint8Array): Uint8Array {
  // string limits count UTF-16 units; the wire limit counts bytes: never sign what peers refuse
  const limit = maxMeasurementBytes(m.protocolVersion)
  if (bytes.length > limit) malformed(`the encoded measurement has ${bytes.length} bytes, more than ${limit}`)
  return bytes
}

/**
 * Decodes gossip or file bytes into a signed measurement. Rejects (MEASUREMENT_MALFORMED)
 * oversized input, invalid DAG-CBOR, a wrong shape, and any encoding that is not the canonical
 * one: each measurement has exactly one byte string, hence one CID.
 */
export function decodeSignedMeasurement(bytes: Uint8Array): SignedMeasurement {
  return decodeCanonical(bytes, {
    // the version is inside the bytes: cap at the largest bound before decoding; re-encoding
    // then applies the decoded version's own (2048 bytes for version 1, as before)
    maxBytes: MAX_MEASUREMENT_BYTES_V2,
    what: 'a measurement',
    malformed,
    validate: (value) => validateMeasurementShape(value, true),
    encode: encodeSignedMeasurement,
  })
}

/** CIDv1 (dag-cbor, sha2-256) of the signed measurement: its gossip message id and its name in summaries. */
export function measurementCid(m: SignedMeasurement): CID {
  return cidOfDagCbor(encodeSignedMeasurement(m))
}

/** True when the signature is the station's over this measurement; false for any bad key or byte. */
export function verifyMeasurementSignature(m: SignedMeasurement): boolean {
  try {
    return verifyStationSignature(m.stationId, measurementSigningDigest(m), m.signature)
  } catch {
    // a measurement whose fields cannot even be encoded is not signed by anyone
    return false
  }
}
