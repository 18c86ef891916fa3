import { type KeyObject, verify } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { bytesEqual } from './bytes.js'
import { publicKeyObject } from './station-id.js'

/*
 * What measurements and attestations share: both are DAG-CBOR objects signed by a station, sent as
 * their one canonical encoding.
 */

export interface CanonicalDecoding<T> {
  maxBytes: number
  /** Singular noun for messages: "a measurement". */
  what: string
  /** Throws the caller's malformed-error with this message. */
  malformed: (message: string) => never
  validate: (value: unknown) => T
  encode: (value: T) => Uint8Array
}

/**
 * Decodes bytes that must be the canonical DAG-CBOR of a valid object: size cap first, then
 * decoding, shape, and re-encoding to the same bytes, so that one object has one byte string and
 * one CID.
 */
export function decodeCanonical<T>(bytes: Uint8Array, o: CanonicalDecoding<T>): T {
  if (bytes.length > o.maxBytes) o.malformed(`${o.what} is at most ${o.maxBytes} bytes, got ${bytes.length}`)
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    o.malformed(`not DAG-CBOR: ${(err as Error).message}`)
  }
  const decoded = o.validate(value)
  if (!bytesEqual(o.encode(decoded), bytes)) o.malformed('not the canonical encoding')
  return decoded
}

const keyCache = new Map<string, KeyObject>()
// a mainnet round has about 17,500 stations, in no order in a node's export: every key of such
// a file stays (with 10,000, a reading thread of the bench's round imported a key for 47 % of its
// lines instead of 13 %, once per station). A key costs about 1.25 KB of OpenSSL memory, so a
// flood is capped at about 40 MB.
const KEY_CACHE_LIMIT = 32_768

function cachedPublicKey(stationId: string): KeyObject {
  let key = keyCache.get(stationId)
  if (!key) {
    key = publicKeyObject(stationId)
    // bounded: a flood of fresh station ids must not grow memory without limit
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string)
    keyCache.set(stationId, key)
  }
  return key
}

/** True when `signature` is the station's Ed25519 signature of `digest`; false for any bad key or byte. */
export function verifyStationSignature(stationId: string, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, digest, cachedPublicKey(stationId), signature)
  } catch {
    return false
  }
}
