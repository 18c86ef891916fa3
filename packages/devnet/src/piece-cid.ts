import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

// piece CIDs: fil-commitment-unsealed (0xf101) over sha2-256-trunc254-padded (0x1012), as Lotus prints them
const FIL_COMMITMENT_UNSEALED = 0xf101
const SHA2_256_TRUNC254_PADDED = 0x1012

/** A piece CID (`baga6ea4sea…`) for tests, from a seed text: what deals and claims name as their data. */
export function devnetPieceCid(seed: string): string {
  const commP = new Uint8Array(createHash('sha256').update(`devnet piece ${seed}`).digest())
  commP[31] = (commP[31] as number) & 0x3f // the two top bits of a Fr32 value are zero
  return CID.create(1, FIL_COMMITMENT_UNSEALED, Digest.create(SHA2_256_TRUNC254_PADDED, commP)).toString()
}
