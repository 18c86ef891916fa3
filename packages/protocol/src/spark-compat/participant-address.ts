import { blake2b } from '@noble/hashes/blake2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { keccak256Ascii } from './keccak.js'

/*
 * Spark's participant-address rules (spark-evaluate preprocess `parseParticipantAddress` +
 * `ethers.isAddress`): `0x…` addresses are taken as they are and must be 40 hex digits with a
 * valid EIP-55 checksum when mixed-case; anything else must be an f4/t4 delegated EVM address,
 * converted to its checksummed 0x form. Only validity matters to the evaluation.
 */

const HEX40 = /^0x[0-9a-fA-F]{40}$/
const MIXED_CASE = /([A-F].*[a-f])|([a-f].*[A-F])/

/** EIP-55 checksummed form of a 0x + 40 hex address. */
export function toChecksumAddress(address: string): string {
  const lower = address.slice(2).toLowerCase()
  // the short ASCII text of every real address, then anything else the general way
  const hash = keccak256Ascii(lower) ?? keccak_256(new TextEncoder().encode(lower))
  let out = '0x'
  for (let i = 0; i < 40; i++) {
    const nibble = ((hash[i >> 1] as number) >> (i % 2 === 0 ? 4 : 0)) & 0x0f
    const c = lower[i] as string
    out += nibble >= 8 ? c.toUpperCase() : c
  }
  return out
}

/** `ethers.isAddress` for the strings Spark passes it (always 0x-prefixed). */
export function isEthAddress(address: string): boolean {
  if (!HEX40.test(address)) return false
  return !MIXED_CASE.test(address) || toChecksumAddress(address) === address
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const ch of text) {
    const v = BASE32.indexOf(ch)
    if (v < 0) return undefined
    value = (value << 5) | v
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  // leftover bits must be zero padding
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return undefined
  return new Uint8Array(out)
}

const EVM_NAMESPACE = 10

/**
 * The 0x address of an f410f…/t410f… delegated address (Filecoin's EVM namespace), checking the
 * 4-byte blake2b checksum; throws on anything else, as Spark's `ethAddressFromDelegated` does.
 */
export function ethAddressFromDelegated(address: string): string {
  const m = /^[ft]4(\d+)f([a-z2-7]+)$/.exec(address)
  if (!m) throw new Error(`Invalid participant address ${address}: not an f4 delegated address`)
  if (Number(m[1]) !== EVM_NAMESPACE) throw new Error(`Invalid participant address ${address}: namespace ${m[1]} is not EVM (10)`)
  const bytes = base32Decode(m[2] as string)
  if (!bytes || bytes.length !== 24) throw new Error(`Invalid participant address ${address}: bad payload length`)
  const sub = bytes.slice(0, 20)
  const checksum = blake2b(new Uint8Array([4, EVM_NAMESPACE, ...sub]), { dkLen: 4 })
  if (!checksum.every((b, i) => b === bytes[20 + i])) throw new Error(`Invalid participant address ${address}: bad checksum`)
  // an ID-mask address (0xff, then 11 zero bytes) is not a real EVM account
  if (sub[0] === 0xff && sub.slice(1, 12).every((b) => b === 0)) {
    throw new Error(`Invalid participant address ${address}: represents an ID mask address`)
  }
  return toChecksumAddress(`0x${Buffer.from(sub).toString('hex')}`)
}

/** Spark's `parseParticipantAddress`: throws on non-strings and invalid delegated addresses. */
export function parseParticipantAddress(address: unknown): string {
  if (typeof address !== 'string') {
    throw new TypeError(`participant_address must be a string, got ${address === null ? 'null' : typeof address}`)
  }
  if (address.startsWith('0x')) return address
  return ethAddressFromDelegated(address)
}
