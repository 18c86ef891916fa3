import { blake2b } from '@noble/hashes/blake2.js'
import { fromHex } from '../bytes.js'
import { ethAddressFromDelegated } from '../spark-compat/participant-address.js'
import { PARTICIPANT_PATTERN } from './binding.js'

/*
 * A participant's two spellings (spec §13.6): the protocol writes `0x…`; Lotus' Filecoin methods
 * (`StateGetActor`) take the f410 form of the same 20 bytes.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const EVM_NAMESPACE = 10

function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

/** `f410f…` (or `t410f…` on test networks) of a participant `0x…`. Throws on anything that is not one. */
export function delegatedFromEthAddress(participant: string, prefix: 'f' | 't' = 'f'): string {
  if (!PARTICIPANT_PATTERN.test(participant)) {
    throw new TypeError(`${participant} is not a participant: write it as 0x and 40 lowercase hex digits`)
  }
  const sub = fromHex(participant.slice(2))
  const checksum = blake2b(new Uint8Array([4, EVM_NAMESPACE, ...sub]), { dkLen: 4 })
  return `${prefix}4${EVM_NAMESPACE}f${base32Encode(new Uint8Array([...sub, ...checksum]))}`
}

/** The participant (`0x…`, lowercase) of an `f410f…`/`t410f…` address or of any-case `0x…` text. */
export function participantFromAddress(address: string): string {
  const eth = /^0x[0-9a-fA-F]{40}$/.test(address) ? address : ethAddressFromDelegated(address)
  return eth.toLowerCase()
}
