import { hash } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'
import { sha256 } from './bytes.js'

/*
 * CIDs the protocol names things by (spec §0): every block it builds is CIDv1, dag-cbor,
 * sha2-256. One home for building, checking and printing them, whatever the block holds.
 */

/** CIDv1 dag-cbor sha2-256 of already-encoded bytes (synchronous: node:crypto does the hashing). */
export function cidOfDagCbor(bytes: Uint8Array): CID {
  return cidOfDagCborDigest(sha256(bytes))
}

/** CIDv1 dag-cbor sha2-256 of a block known only by its 32-byte SHA-256, e.g. params by their digest. */
export function cidOfDagCborDigest(digest: Uint8Array): CID {
  return CID.createV1(dagCbor.code, Digest.create(sha256Hasher.code, digest))
}

/** Whether a CID has the one link form of the protocol's blocks: CIDv1, dag-cbor, a 32-byte sha2-256. */
export function isDagCborSha256Cid(cid: CID): boolean {
  return cid.version === 1 && cid.code === dagCbor.code && cid.multihash.code === sha256Hasher.code && cid.multihash.size === 32
}

const BASE32_ALPHABET = Buffer.from('abcdefghijklmnopqrstuvwxyz234567', 'latin1')

/**
 * The text form of a CIDv1 (multibase base32, as `cid.toString()` gives it), built as one flat
 * string: multiformats concatenates it character by character, and V8 keeps such a string as a
 * tree of 60 pieces, over 1 KB each, until something reads it. A round holds 250k of them.
 */
export function cidText(cid: CID): string {
  return cid.version === 1 ? base32Text(cid.bytes) : cid.toString()
}

/** Multibase base32 of a CIDv1's bytes: `b` and RFC 4648 base32, lowercase, unpadded. */
function base32Text(bytes: Uint8Array): string {
  const out = Buffer.allocUnsafe(1 + Math.ceil((bytes.length * 8) / 5))
  out[0] = 0x62 // 'b', the multibase prefix of base32
  let n = 1
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 5) {
      out[n++] = BASE32_ALPHABET[(value >>> (bits - 5)) & 31] as number
      bits -= 5
    }
  }
  if (bits > 0) out[n++] = BASE32_ALPHABET[(value << (5 - bits)) & 31] as number
  return out.toString('latin1', 0, n)
}

// each base32 character's value, −1 for any other code unit below 128
const BASE32_VALUES = new Int8Array(128).fill(-1)
BASE32_ALPHABET.forEach((c, i) => {
  BASE32_VALUES[c] = i
})

/**
 * `CID.parse(text)`, decoding base32 text (what `cidText` prints) itself: 1.0 µs a CID against
 * CID.parse's 2.4 (measured), and a round summary parses every measurement's. Any text this decoder
 * does not take as it is (another base, a character outside the alphabet, bits left over, a
 * version-0 CID) goes to `CID.parse`, which decides it and names what is wrong.
 */
export function cidFromText(text: string): CID {
  const bytes = base32Bytes(text)
  if (bytes === undefined) return CID.parse(text)
  const cid = CID.decode(bytes)
  // a version-0 CID has no multibase text: CID.parse refuses it
  return cid.version === 0 ? CID.parse(text) : cid
}

function base32Bytes(text: string): Uint8Array | undefined {
  if (text.charCodeAt(0) !== 0x62) return undefined
  const out = new Uint8Array(Math.floor(((text.length - 1) * 5) / 8))
  let n = 0
  let bits = 0
  let value = 0
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const v = c < 128 ? (BASE32_VALUES[c] as number) : -1
    if (v < 0) return undefined
    value = ((value << 5) | v) & 0xfff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[n++] = (value >>> bits) & 0xff
    }
  }
  // RFC 4648 without padding, as multiformats reads it: fewer than 5 bits left, all zero
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return undefined
  return out
}

// CIDv1, dag-cbor, sha2-256, 32 bytes: each a varint of one byte (all under 0x80)
const DAG_CBOR_SHA256_PREFIX = [1, dagCbor.code, sha256Hasher.code, 32]

/**
 * `cidText(cidOfDagCbor(bytes))` without the `CID` object between: making one (its multihash,
 * its bytes) cost three times the hash when `evaluate` reads a file, for a text it throws away.
 */
export function dagCborCidText(bytes: Uint8Array): string {
  const cid = new Uint8Array(36)
  cid.set(DAG_CBOR_SHA256_PREFIX)
  cid.set(hash('sha256', bytes, 'buffer'), 4)
  return base32Text(cid)
}
