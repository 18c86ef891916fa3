import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { fromHex, toHex } from './bytes.js'
import { ProtocolError } from './errors.js'

/*
 * Station ids in Spark's format: hex of the Ed25519 public key's SPKI DER encoding (44 bytes →
 * 88 hex chars), as Filecoin Station Core generated them. The same key signs measurements and is
 * the node's libp2p identity.
 */

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32-byte key. */
const SPKI_PREFIX = fromHex('302a300506032b6570032100')
/** DER prefix of an Ed25519 PKCS#8 private key, followed by the 32-byte seed. */
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')

export const STATION_ID_PATTERN = /^[0-9a-fA-F]{88}$/

export interface StationKey {
  /** 88 lowercase hex chars. */
  stationId: string
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array
  privateKey: KeyObject
}

export function stationIdFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) {
    throw new ProtocolError('KEY_INVALID', `an Ed25519 public key has 32 bytes, got ${publicKey.length}`)
  }
  return toHex(SPKI_PREFIX) + toHex(publicKey)
}

/** The raw public key inside a station id; throws STATION_ID_INVALID for anything else. */
export function publicKeyFromStationId(stationId: string): Uint8Array {
  if (typeof stationId !== 'string' || !STATION_ID_PATTERN.test(stationId) || !stationId.toLowerCase().startsWith(toHex(SPKI_PREFIX))) {
    throw new ProtocolError('STATION_ID_INVALID', 'a station id is 88 hex chars: the SPKI DER of an Ed25519 public key')
  }
  return fromHex(stationId.slice(24))
}

/**
 * The station key for a 32-byte Ed25519 seed (the private key). Deterministic: callers bring the
 * seed (from the OS RNG for a new node, from the key file for an existing one).
 */
export function stationKeyFromSeed(seed: Uint8Array): StationKey {
  if (seed.length !== 32) throw new ProtocolError('KEY_INVALID', `an Ed25519 seed has 32 bytes, got ${seed.length}`)
  const der = new Uint8Array(PKCS8_PREFIX.length + 32)
  der.set(PKCS8_PREFIX)
  der.set(seed, PKCS8_PREFIX.length)
  const privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))
  const publicKey = spki.slice(SPKI_PREFIX.length)
  return { stationId: stationIdFromPublicKey(publicKey), publicKey, privateKey }
}

/**
 * A node:crypto public key for a station id, for verifying its signatures. Imported as a JWK, not
 * as the DER the id is: OpenSSL 3 takes about 65 µs to decode an SPKI and 7 µs to take the same
 * 32 bytes raw, and an evaluation imports one key per station (17,500 in a mainnet round, on
 * every reading thread). Both accept the same keys.
 */
export function publicKeyObject(stationId: string): KeyObject {
  const x = Buffer.from(publicKeyFromStationId(stationId)).toString('base64url')
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
}
