import type { CID } from 'multiformats/cid'
import { concat, encodeCar, oversizedCarPrefix } from './car.js'
import { type ContentBlock, rawBlock } from './content.js'
import type { ResponseFormat } from './gateway-request.js'
import type { ProviderProfile } from './profiles.js'
import { randomBytes } from './random-bytes.js'

/**
 * What a 200 response carries. `stall` sends its bytes and then nothing, with the socket left open;
 * `stream` sends `prefix` then `fillBytes` generated chunk by chunk (the oversized profile).
 */
export type Body =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stall'; bytes: Uint8Array }
  | { kind: 'stream'; prefix: Uint8Array; fillBytes: number }

/** The body a provider with `profile` sends for `block` in `format` (status-only profiles never get here). */
export async function bodyFor(profile: ProviderProfile, format: ResponseFormat, block: ContentBlock): Promise<Body> {
  const { cid, bytes } = block
  const car = format === 'car'
  switch (profile.kind) {
    case 'stall-mid-body': {
      const full = car ? await encodeCar([cid], [block]) : bytes
      return { kind: 'stall', bytes: full.subarray(0, profile.afterBytes) }
    }
    case 'wrong-bytes': {
      const wrong = { cid, bytes: corrupt(bytes) }
      return { kind: 'bytes', bytes: car ? await encodeCar([cid], [wrong]) : wrong.bytes }
    }
    case 'extra-blocks':
      // A raw response has no framing to smuggle a second block into: it is served correctly.
      return { kind: 'bytes', bytes: car ? await encodeCar([cid], [block, await extraBlock(cid)]) : bytes }
    case 'truncated-car': {
      // Cut inside the block's bytes, so the header and section length parse but the block does not.
      const full = car ? await encodeCar([cid], [block]) : bytes
      return { kind: 'bytes', bytes: full.subarray(0, full.length - Math.ceil(bytes.length / 2)) }
    }
    case 'garbage-car':
      return { kind: 'bytes', bytes: garbage(cid) }
    case 'empty-car':
      return { kind: 'bytes', bytes: car ? await encodeCar([cid], []) : new Uint8Array(0) }
    case 'oversized':
      if (!car) return { kind: 'stream', prefix: new Uint8Array(0), fillBytes: profile.bytes }
      return oversizedBody(cid, profile.bytes)
    default:
      return { kind: 'bytes', bytes: car ? await encodeCar([cid], [block]) : bytes }
  }
}

async function oversizedBody(cid: CID, totalBytes: number): Promise<Body> {
  const { prefix, dataBytes } = await oversizedCarPrefix(cid, totalBytes)
  return { kind: 'stream', prefix, fillBytes: dataBytes }
}

/** Same length, every bit flipped: cannot hash to the CID, cannot be mistaken for a short read. */
function corrupt(bytes: Uint8Array): Uint8Array {
  return bytes.map((b) => b ^ 0xff)
}

/** A second, perfectly valid block that nobody asked for. */
function extraBlock(cid: CID): Promise<ContentBlock> {
  return rawBlock(randomBytes(`extra/${cid}`, 256))
}

/**
 * 1 KiB of pseudo-random bytes that no CAR decoder accepts: a leading 0xff 0xff… is a varint header
 * length far beyond the body, so decoding fails at the header.
 */
function garbage(cid: CID): Uint8Array {
  const bytes = randomBytes(`garbage/${cid}`, 1024)
  return concat([new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f]), bytes])
}
