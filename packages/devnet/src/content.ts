import * as dagCbor from '@ipld/dag-cbor'
import { blake3 } from '@noble/hashes/blake3.js'
import type { Catalogue } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { RandomBytes } from './random-bytes.js'

/** One block of real content: `bytes` hash to `cid` (except for deliberately broken test blocks). */
export interface ContentBlock {
  cid: CID
  bytes: Uint8Array
}

export interface ContentOptions {
  /** Same seed ⇒ same blocks and CIDs on every run. */
  seed: string
  count: number
  /** Share of raw (0x55) blocks; the rest are DAG-CBOR. Default 0.5. */
  rawShare?: number
  /** Payload size range in bytes, inclusive. Default 200 B – 16 KiB: small, so the devnet is fast. */
  sizes?: { min: number; max: number }
}

const DEFAULT_SIZES = { min: 200, max: 16 * 1024 }

/** The multihash code of BLAKE3 (0x1e): a real hash function the checker does not verify. */
export const BLAKE3_CODE = 0x1e

/**
 * Deterministic content for fake providers: raw and DAG-CBOR blocks, all sha2-256, whose payloads
 * come from a SHA-256 counter-mode stream of `seed`. DAG-CBOR blocks have no links, so each block
 * is a whole DAG and `dag-scope=block` equals `dag-scope=all` for them.
 *
 * @example
 * const blocks = await generateContent({ seed: 'devnet/f01234', count: 5 })
 */
export async function generateContent(options: ContentOptions): Promise<ContentBlock[]> {
  const { seed, count, rawShare = 0.5, sizes = DEFAULT_SIZES } = options
  const rng = new RandomBytes(`content/${seed}`)
  const blocks: ContentBlock[] = []
  for (let index = 0; index < count; index++) {
    const isRaw = rng.int(0, 999_999) < rawShare * 1_000_000
    const size = rng.int(sizes.min, sizes.max)
    const payload = rng.bytes(size)
    blocks.push(isRaw ? await rawBlock(payload) : await dagCborBlock({ seed, index, payload }))
  }
  return blocks
}

export async function rawBlock(bytes: Uint8Array): Promise<ContentBlock> {
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

export async function dagCborBlock(value: unknown): Promise<ContentBlock> {
  const bytes = dagCbor.encode(value)
  return { cid: CID.createV1(dagCbor.code, await sha256.digest(bytes)), bytes }
}

/**
 * A raw block addressed by a BLAKE3 multihash (0x1e). The bytes do hash to the CID, but a checker
 * that only supports sha2-256 cannot tell, which is the UNSUPPORTED_CID_HASH_ALGO case.
 */
export function generateUnsupportedHashBlock(options: { seed: string; size?: number }): ContentBlock {
  const bytes = new RandomBytes(`blake3/${options.seed}`).bytes(options.size ?? 1024)
  return { cid: CID.createV1(raw.code, Digest.create(BLAKE3_CODE, blake3(bytes))), bytes }
}

export interface CatalogueAssignment {
  cid: CID | string
  minerId: string
  /** The provider's libp2p peer id, so checkers can match IPNI records without a chain lookup. */
  providerId?: string
}

/** The protocol's retrieval catalogue for content placed at providers. */
export function buildCatalogue(assignments: readonly CatalogueAssignment[]): Catalogue {
  return {
    entries: assignments.map(({ cid, minerId, providerId }) =>
      providerId === undefined ? { cid: cid.toString(), minerId } : { cid: cid.toString(), minerId, providerId },
    ),
  }
}
