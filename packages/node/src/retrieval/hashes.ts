import { createHash } from 'node:crypto'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { blake2b, blake2s } from '@noble/hashes/blake2.js'
import {
  keccak_224,
  keccak_256,
  keccak_384,
  keccak_512,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  shake128,
  shake256,
} from '@noble/hashes/sha3.js'
import { HASH_SLICE_BYTES } from './constants.js'

/** An incremental hash, so a large block is hashed in slices between event-loop turns. */
interface IncrementalHash {
  update(bytes: Uint8Array): unknown
  digest(): Uint8Array
}

const nodeHash = (algorithm: string) => () => {
  const hash = createHash(algorithm)
  return { update: (bytes: Uint8Array) => hash.update(bytes), digest: () => new Uint8Array(hash.digest()) }
}

/**
 * Multihash codes whose blocks we can verify (the multicodec table), with the hashers
 * spark-checker's block validator (@web3-storage/car-block-validator) uses, save two: murmur3 is
 * not a cryptographic hash, so a match proves nothing; identity CIDs carry their data inline and
 * prove nothing about a provider. Neither does blake3 (0x1e), which Spark does not support either.
 * Output lengths are fixed: a truncated digest in a CID is a mismatch, never a shorter check.
 */
const HASHERS: ReadonlyMap<number, () => IncrementalHash> = new Map<number, () => IncrementalHash>([
  [0x12, nodeHash('sha256')], // sha2-256
  [0x13, nodeHash('sha512')], // sha2-512
  [0x14, () => sha3_512.create()], // sha3-512
  [0x15, () => sha3_384.create()], // sha3-384
  [0x16, () => sha3_256.create()], // sha3-256
  [0x17, () => sha3_224.create()], // sha3-224
  [0x18, () => shake128.create({ dkLen: 32 })], // shake-128, 256-bit output as @multiformats/sha3
  [0x19, () => shake256.create({ dkLen: 64 })], // shake-256, 512-bit output as @multiformats/sha3
  [0x1a, () => keccak_224.create()], // keccak-224
  [0x1b, () => keccak_256.create()], // keccak-256
  [0x1c, () => keccak_384.create()], // keccak-384
  [0x1d, () => keccak_512.create()], // keccak-512
  [0xb220, () => blake2b.create({ dkLen: 32 })], // blake2b-256
  [0xb260, () => blake2s.create({ dkLen: 32 })], // blake2s-256
])

export function isSupportedHash(code: number): boolean {
  return HASHERS.has(code)
}

/**
 * The digest of `bytes` under multihash `code`, computed in HASH_SLICE_BYTES slices with a turn
 * of the event loop between them. Returns undefined for an unsupported code.
 */
export async function digestOf(code: number, bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
  const create = HASHERS.get(code)
  if (create === undefined) return undefined
  const hash = create()
  for (let offset = 0; offset < bytes.length; offset += HASH_SLICE_BYTES) {
    if (offset > 0) {
      await yieldToLoop()
      options.signal?.throwIfAborted()
    }
    hash.update(bytes.subarray(offset, offset + HASH_SLICE_BYTES))
  }
  return hash.digest()
}
