import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { toHex } from '../bytes.js'

/*
 * Station bindings (spec §13.2): a participant, an Ethereum-style Filecoin account, authorises one
 * station key to check for it by signing a short text with EIP-191 `personal_sign`, which any
 * wallet (Station's, MetaMask) shows the operator before signing. The station key stays a hot key
 * of its own; a new binding replaces it.
 */

/** What a binding says: this station checks for this participant on this network from this round on. */
export interface StationBinding {
  network: string
  /** `0x` and 40 lowercase hex digits. */
  participant: string
  stationId: string
  fromRound: number
}

/** A participant as the protocol writes it (spec §13.2). */
export const PARTICIPANT_PATTERN = /^0x[0-9a-f]{40}$/

/** The text a participant signs (spec §13.2): lines joined by `\n`, no trailing newline. */
export function bindingText(binding: StationBinding): string {
  return [
    'spark-swarm station binding',
    `network: ${binding.network}`,
    `participant: ${binding.participant}`,
    `station: ${binding.stationId}`,
    `from round: ${binding.fromRound}`,
  ].join('\n')
}

/** EIP-191 `personal_sign` digest of a text: keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ bytes). */
export function personalMessageDigest(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text)
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${bytes.length}`)
  const all = new Uint8Array(prefix.length + bytes.length)
  all.set(prefix)
  all.set(bytes, prefix.length)
  return keccak_256(all)
}

/** The participant (`0x…`, lowercase) of a secp256k1 public key: the last 20 bytes of keccak256 of its 64-byte form. */
export function participantOfPublicKey(publicKey: Uint8Array): string {
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false)
  return `0x${toHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`
}

/** The participant a 32-byte secp256k1 private key controls. */
export function participantOfPrivateKey(privateKey: Uint8Array): string {
  return participantOfPublicKey(secp256k1.getPublicKey(privateKey, false))
}

/**
 * Signs a binding as a wallet does: 65 bytes `r ‖ s ‖ v`, `v` 27 or 28, low `s`. For tests, the
 * devnet and tools; on a real network the operator's wallet signs `bindingText`.
 */
export function signBinding(binding: StationBinding, privateKey: Uint8Array): Uint8Array {
  const digest = personalMessageDigest(bindingText(binding))
  const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, privateKey, { prehash: false, format: 'recovered' }), 'recovered')
  const out = new Uint8Array(65)
  out.set(sig.toBytes('compact'))
  out[64] = 27 + (sig.recovery as number)
  return out
}

const HALF_N = secp256k1.Point.CURVE().n >> 1n

/**
 * The participant (`0x…`, lowercase) whose key made `signature`, a wallet's `personal_sign` of
 * `text`: 65 bytes `r ‖ s ‖ v`, `v` in {27, 28} (or 0, 1), low `s`; null for anything else. Never throws.
 */
export function recoverPersonalSigner(text: string, signature: Uint8Array): string | null {
  if (signature.length !== 65) return null
  const v = signature[64] as number
  const recovery = v >= 27 ? v - 27 : v
  if (recovery !== 0 && recovery !== 1) return null
  try {
    const sig = secp256k1.Signature.fromBytes(signature.subarray(0, 64), 'compact')
    // a high s is the same signature mirrored: accepting both would give every binding two byte forms
    if (sig.s > HALF_N) return null
    return participantOfPublicKey(sig.addRecoveryBit(recovery).recoverPublicKey(personalMessageDigest(text)).toBytes(false))
  } catch {
    return null
  }
}

/** Whether `signature` is the binding's participant signing it (spec §13.2). Never throws. */
export function verifyBinding(binding: StationBinding, signature: Uint8Array): boolean {
  if (!PARTICIPANT_PATTERN.test(binding.participant)) return false
  return recoverPersonalSigner(bindingText(binding), signature) === binding.participant
}
