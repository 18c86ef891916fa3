import { CarBlockIterator } from '@ipld/car/iterator'
import { equals } from 'multiformats/bytes'
import { CID } from 'multiformats/cid'
import { RetrievalError } from './errors.js'
import { digestOf } from './hashes.js'

export { carChecksum } from './checksum.js'

/**
 * Checks that a `dag-scope=block` response is exactly the requested block, and throws
 * RetrievalError otherwise:
 *
 * - CANNOT_PARSE_CAR_FILE (904): not a CAR, or truncated;
 * - UNEXPECTED_CAR_BLOCK (903): roots other than `[cid]`, a block with another CID, a second
 *   block, or no block at all;
 * - UNSUPPORTED_CID_HASH_ALGO (901): the CID's hash function is not one we verify;
 * - CONTENT_VERIFICATION_FAILED (902): the block's bytes do not hash to the CID.
 *
 * Two checks are stricter than Spark's `verifyContent`, which ignored the header roots and
 * accepted a CAR with no blocks at all: an empty CAR proves nothing was retrieved, so counting it
 * as a success would let a provider pass every check without storing anything.
 */
export async function verifyCarBlock(cid: string | CID, carBytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
  const expected = parseCid(cid)

  let blocks: CarBlockIterator
  let roots: CID[]
  try {
    blocks = await CarBlockIterator.fromBytes(carBytes)
    roots = await blocks.getRoots()
  } catch (err) {
    throw new RetrievalError('CANNOT_PARSE_CAR_FILE', `cannot parse the CAR: ${(err as Error).message}`, { cause: err })
  }
  if (roots.length !== 1 || !roots[0]?.equals(expected)) {
    throw new RetrievalError('UNEXPECTED_CAR_BLOCK', `the CAR's roots are [${roots.join(', ')}], expected [${expected}]`)
  }

  let count = 0
  const iterator = blocks[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<{ cid: CID; bytes: Uint8Array }>
    try {
      next = await iterator.next()
    } catch (err) {
      throw new RetrievalError('CANNOT_PARSE_CAR_FILE', `cannot parse the CAR: ${(err as Error).message}`, { cause: err })
    }
    if (next.done) break
    const block = next.value
    if (!block.cid.equals(expected)) throw new RetrievalError('UNEXPECTED_CAR_BLOCK', `unexpected block ${block.cid}, expected ${expected}`)
    if (++count > 1) throw new RetrievalError('UNEXPECTED_CAR_BLOCK', `the CAR holds block ${expected} more than once`)
    await verifyBlockBytes(expected, block.bytes, options)
  }
  if (count === 0) throw new RetrievalError('UNEXPECTED_CAR_BLOCK', `the CAR holds no block; expected ${expected}`)
}

/** Throws 901/902 unless `bytes` hash to `cid`'s multihash. */
export async function verifyBlockBytes(cid: CID, bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
  const { code, digest } = cid.multihash
  const actual = await digestOf(code, bytes, options)
  if (actual === undefined) {
    throw new RetrievalError('UNSUPPORTED_CID_HASH_ALGO', `multihash code 0x${code.toString(16)} is not supported`, { meta: { code } })
  }
  if (!equals(actual, digest)) throw new RetrievalError('CONTENT_VERIFICATION_FAILED', `the block's bytes do not hash to ${cid}`)
}

function parseCid(cid: string | CID): CID {
  if (typeof cid !== 'string') return cid
  try {
    return CID.parse(cid)
  } catch (err) {
    // a task CID we cannot decode names no hash function we could check bytes against
    throw new RetrievalError('UNSUPPORTED_CID_HASH_ALGO', `cannot decode CID ${cid}`, { cause: err })
  }
}
