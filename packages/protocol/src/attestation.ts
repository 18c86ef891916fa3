import { sign } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { PARTICIPANT_PATTERN } from './admission/binding.js'
import type { RetrievalTask } from './catalogue.js'
import { cidOfDagCbor, isDagCborSha256Cid } from './cid.js'
import { DOMAIN, domainHash } from './domain.js'
import { ProtocolError } from './errors.js'
import type { ParticipantBinding } from './measurement.js'
import { decodeCanonical, verifyStationSignature } from './signed-dag-cbor.js'
import type { StationKey } from './station-id.js'

/**
 * A committee member's statement "for this task of this round, I computed the committee result
 * block `committee`". Members gossip it after the grace period; a result is confirmed when a
 * strict majority of the committee attests the same CID (DESIGN §3, Convergence).
 */
export interface UnsignedAttestation {
  protocolVersion: number
  network: string
  round: number
  task: RetrievalTask
  /** The attesting station (hex SPKI DER of its Ed25519 key): a member of the task's committee. */
  stationId: string
  /** Link to the committee result block (CIDv1, dag-cbor, sha2-256). */
  committee: CID
  /** Version 2 only, with the two binding fields, as in a measurement (spec §13.3a); absent in version 1. */
  participant?: string
  /** Version 2 only: `fromRound` of the station's binding to `participant`. */
  bindingFromRound?: number
  /** Version 2 only: the participant's EIP-191 signature of the binding, 65 bytes (spec §13.2). */
  bindingSignature?: Uint8Array
}

export interface Attestation extends UnsignedAttestation {
  /** Ed25519 signature (64 bytes) over `attestationSigningDigest`. */
  signature: Uint8Array
}

/**
 * Whether the attestation is of version 2 or later, and so carries a binding (spec §13.3a). Shape
 * validation makes the two the same: such versions require the three fields, version 1 refuses them.
 */
export function isVersion2Attestation<A extends UnsignedAttestation>(a: A): a is A & ParticipantBinding {
  return a.protocolVersion >= 2
}

/**
 * Larger gossip messages are rejected before decoding. A real one is about 300 bytes, 158 more in
 * version 2; with every string at its limit (ASCII) and every integer at 2^53 − 1, 676 bytes in
 * version 1 and 850 in version 2 (spec §13.3a).
 */
export const MAX_ATTESTATION_BYTES = 1024

const NETWORK_LIMIT = 63
const TASK_CID_LIMIT = 256
const TASK_MINER_LIMIT = 64
const FIELDS = new Set(['protocolVersion', 'network', 'round', 'task', 'stationId', 'committee'])
const FIELDS_V2 = new Set([...FIELDS, 'participant', 'bindingFromRound', 'bindingSignature'])
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/

function malformed(message: string): never {
  throw new ProtocolError('ATTESTATION_MALFORMED', message)
}

function checkString(value: unknown, name: string, limit: number): void {
  if (typeof value !== 'string') malformed(`${name} must be a string`)
  if (value.length > limit) malformed(`${name} is longer than ${limit} characters`)
  // no field is text for people: control characters only forge log lines
  if (CONTROL.test(value)) malformed(`${name} contains a control character`)
}

/**
 * Checks a decoded value has exactly the attestation's fields with their types and bounds, and
 * returns it typed. Throws ATTESTATION_MALFORMED naming the field.
 */
export function validateAttestationShape(value: unknown, signed: true): Attestation
export function validateAttestationShape(value: unknown, signed: false): UnsignedAttestation
export function validateAttestationShape(value: unknown, signed: boolean): UnsignedAttestation | Attestation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed('an attestation must be a map')
  const a = value as Record<string, unknown>
  // the binding fields are version 2's (spec §13.3a): in version 1 they are unknown keys
  const fields = typeof a.protocolVersion === 'number' && a.protocolVersion >= 2 ? FIELDS_V2 : FIELDS
  for (const k of Object.keys(a)) {
    if (!fields.has(k) && !(signed && k === 'signature')) malformed(`unknown field ${JSON.stringify(k.slice(0, 40))}`)
  }
  for (const name of fields) if (!(name in a)) malformed(`missing field ${name}`)
  if (!Number.isSafeInteger(a.protocolVersion) || (a.protocolVersion as number) < 1) malformed('protocolVersion must be a positive integer')
  checkString(a.network, 'network', NETWORK_LIMIT)
  if (!Number.isSafeInteger(a.round) || (a.round as number) < 0) malformed('round must be a non-negative integer')
  const task = a.task as Record<string, unknown>
  if (typeof task !== 'object' || task === null || Array.isArray(task) || Object.keys(task).length !== 2) {
    malformed('task must be a map of exactly cid and minerId')
  }
  checkString(task.cid, 'task.cid', TASK_CID_LIMIT)
  checkString(task.minerId, 'task.minerId', TASK_MINER_LIMIT)
  // lowercase only, as for measurements: one key, one id (spec §5.1)
  if (typeof a.stationId !== 'string' || !/^302a300506032b6570032100[0-9a-f]{64}$/.test(a.stationId)) {
    malformed('stationId must be 88 lowercase hex digits: the SPKI DER of an Ed25519 key')
  }
  // every block of a summary is CIDv1 dag-cbor sha2-256 (spec §0): one link form, one encoding
  const committee = CID.asCID(a.committee)
  if (committee === null || !isDagCborSha256Cid(committee)) malformed('committee must be a CIDv1 dag-cbor sha2-256 link')
  if (fields === FIELDS_V2) checkBindingFields(a)
  if (signed && !(a.signature instanceof Uint8Array && a.signature.length === 64)) malformed('signature must be 64 bytes')
  return a as unknown as UnsignedAttestation
}

/** The version-2 fields' types, as a measurement's (spec §13.3); `bindingFromRound ≤ round` is the validator's (BINDING_INVALID). */
function checkBindingFields(a: Record<string, unknown>): void {
  if (typeof a.participant !== 'string' || !PARTICIPANT_PATTERN.test(a.participant))
    malformed('participant must be 0x and 40 lowercase hex digits')
  if (!Number.isSafeInteger(a.bindingFromRound) || (a.bindingFromRound as number) < 0)
    malformed('bindingFromRound must be a non-negative integer')
  if (!(a.bindingSignature instanceof Uint8Array && a.bindingSignature.length === 65)) malformed('bindingSignature must be 65 bytes')
}

/** A fresh object of fixed shape without the signature; the binding fields only in version 2, never as `undefined` keys. */
function unsignedView(a: UnsignedAttestation): UnsignedAttestation {
  const view: UnsignedAttestation = {
    protocolVersion: a.protocolVersion,
    network: a.network,
    round: a.round,
    task: { cid: a.task.cid, minerId: a.task.minerId },
    stationId: a.stationId,
    committee: a.committee,
  }
  if (isVersion2Attestation(a)) {
    const v2 = view as UnsignedAttestation & ParticipantBinding
    v2.participant = a.participant
    v2.bindingFromRound = a.bindingFromRound
    v2.bindingSignature = a.bindingSignature
  }
  return view
}

/** Canonical DAG-CBOR of the attestation without its signature: the bytes that get signed. */
export function encodeUnsignedAttestation(a: UnsignedAttestation): Uint8Array {
  return dagCbor.encode(validateAttestationShape(unsignedView(a), false))
}

/**
 * The 32-byte digest a station signs: SHA-256 under the attestation domain of the canonical
 * unsigned bytes. Network, round and version are in the bytes, so a signature never verifies
 * for another network or round; the domain keeps it from passing as a measurement signature.
 */
export function attestationSigningDigest(a: UnsignedAttestation): Uint8Array {
  return domainHash(DOMAIN.attestationSignature, encodeUnsignedAttestation(a))
}

/**
 * Signs an attestation with the station's key; the key must be the one `a.stationId` names
 * (ATTESTATION_WRONG_KEY otherwise).
 *
 * @example
 * const a = signAttestation({ protocolVersion: 1, network: 'devnet', round, task, stationId: key.stationId, committee }, key)
 * pubsub.publish(summariesTopic(params), encodeAttestation(a))
 */
export function signAttestation(a: UnsignedAttestation, key: Pick<StationKey, 'stationId' | 'privateKey'>): Attestation {
  if (a.stationId !== key.stationId) {
    throw new ProtocolError('ATTESTATION_WRONG_KEY', 'the attestation names another station id than the signing key')
  }
  const signature = new Uint8Array(sign(null, attestationSigningDigest(a), key.privateKey))
  const signed: Attestation = { ...unsignedView(a), signature }
  encodeAttestation(signed) // throws when peers would refuse it
  return signed
}

/** Canonical DAG-CBOR of the signed attestation: the gossip message. */
export function encodeAttestation(a: Attestation): Uint8Array {
  const bytes = dagCbor.encode(validateAttestationShape({ ...unsignedView(a), signature: a.signature }, true))
  // string limits count UTF-16 units, the wire limit counts bytes: never sign what peers refuse
  if (bytes.length > MAX_ATTESTATION_BYTES)
    malformed(`the encoded attestation has ${bytes.length} bytes, more than ${MAX_ATTESTATION_BYTES}`)
  return bytes
}

/**
 * Decodes gossip bytes into a signed attestation. Rejects (ATTESTATION_MALFORMED) oversized
 * input, invalid DAG-CBOR, a wrong shape and any non-canonical encoding: one attestation, one
 * byte string, one CID. The signature is checked separately (`verifyAttestationSignature`).
 */
export function decodeAttestation(bytes: Uint8Array): Attestation {
  return decodeCanonical(bytes, {
    maxBytes: MAX_ATTESTATION_BYTES,
    what: 'an attestation',
    malformed,
    validate: (value) => validateAttestationShape(value, true),
    encode: encodeAttestation,
  })
}

/** CIDv1 (dag-cbor, sha2-256) of the signed attestation: its gossip message id. */
export function attestationCid(a: Attestation): CID {
  return cidOfDagCbor(encodeAttestation(a))
}

/** True when the signature is the station's over this attestation; false for any bad key or byte. */
export function verifyAttestationSignature(a: Attestation): boolean {
  try {
    return verifyStationSignature(a.stationId, attestationSigningDigest(a), a.signature)
  } catch {
    return false
  }
}
