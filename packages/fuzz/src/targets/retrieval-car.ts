import { createHash } from 'node:crypto'
import { blake2b } from '@noble/hashes/blake2.js'
import { RetrievalError, verifyCarBlock } from '@spark-swarm/node'
import * as fc from 'fast-check'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { carBytes } from '../car-bytes.js'
import { applyByteMutations, byteMutation, mutatedText } from '../mutate-bytes.js'
import { codeWhenInstance, type FuzzTarget } from '../target.js'

/** Multihash functions a block may name: verified ones, identity, and ones we refuse (blake3, murmur3). */
const HASHES: Record<string, { code: number; digest: (bytes: Uint8Array) => Uint8Array }> = {
  'sha2-256': { code: 0x12, digest: (b) => createHash('sha256').update(b).digest() },
  'sha2-512': { code: 0x13, digest: (b) => createHash('sha512').update(b).digest() },
  'blake2b-256': { code: 0xb220, digest: (b) => blake2b(b, { dkLen: 32 }) },
  identity: { code: 0x00, digest: (b) => b.slice(0, 64) },
  blake3: { code: 0x1e, digest: (b) => createHash('sha256').update(b).digest() },
  'murmur3-x64-64': { code: 0x22, digest: (b) => createHash('sha256').update(b).digest().subarray(0, 8) },
}

export interface CarInput {
  /** The CID the check asks for, as a task names it (text) or as parsed. */
  cid: string | CID
  car: Uint8Array
}

const block = fc
  .record({
    bytes: fc.uint8Array({ maxLength: 300 }),
    hash: fc.constantFrom(...Object.keys(HASHES)),
    codec: fc.constantFrom(0x55, 0x70, 0x71),
    v0: fc.boolean(),
  })
  .map(({ bytes, hash, codec, v0 }) => {
    const h = HASHES[hash] as (typeof HASHES)[string]
    const digest = Digest.create(h.code, h.digest(bytes))
    const cid = v0 && h.code === 0x12 ? CID.createV0(digest as Digest.Digest<0x12, number>) : CID.createV1(codec, digest)
    return { cid, bytes }
  })

/** A CAR for the block, or one of the ways a provider gets it wrong, then a few byte mutations. */
const carInput: fc.Arbitrary<CarInput> = fc
  .record({
    wanted: block,
    other: block,
    shape: fc.constantFrom(
      'exact',
      'exact',
      'exact',
      'no-roots',
      'two-roots',
      'other-root',
      'no-block',
      'two-blocks',
      'other-block',
      'wrong-bytes',
    ),
    mutations: fc.array(byteMutation, { maxLength: 3 }),
    asText: fc.boolean(),
  })
  .map(({ wanted, other, shape, mutations, asText }) => {
    const roots =
      shape === 'no-roots' ? [] : shape === 'two-roots' ? [wanted.cid, wanted.cid] : shape === 'other-root' ? [other.cid] : [wanted.cid]
    const blocks =
      shape === 'no-block'
        ? []
        : shape === 'two-blocks'
          ? [wanted, wanted]
          : shape === 'other-block'
            ? [other]
            : shape === 'wrong-bytes'
              ? [{ cid: wanted.cid, bytes: other.bytes }]
              : [wanted]
    return { cid: asText ? wanted.cid.toString() : wanted.cid, car: applyByteMutations(carBytes(roots, blocks), mutations) }
  })

/** `verifyCarBlock`: the CAR a storage provider answers a `dag-scope=block` request with. */
export function retrievalCarTarget(): FuzzTarget<CarInput> {
  return {
    name: 'retrieval CAR',
    arbitrary: fc.oneof(
      { weight: 6, arbitrary: carInput },
      { weight: 1, arbitrary: fc.record({ cid: block.map((b) => b.cid), car: fc.uint8Array({ maxLength: 400 }) }) },
      // the task's CID text is peer-supplied too
      { weight: 1, arbitrary: fc.record({ cid: mutatedText(block.map((b) => b.cid.toString())), car: carInput.map((c) => c.car) }) },
    ),
    run: async ({ cid, car }) => {
      await verifyCarBlock(cid, car)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, RetrievalError),
    codes: ['CANNOT_PARSE_CAR_FILE', 'UNEXPECTED_CAR_BLOCK', 'UNSUPPORTED_CID_HASH_ALGO', 'CONTENT_VERIFICATION_FAILED'],
  }
}
