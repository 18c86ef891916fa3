import { createRequire } from 'node:module'
import type { bls12_381 as Bls12381 } from '@noble/curves/bls12-381.js'
import { bytesEqual, fromHex, sha256, toHex, uint64be } from '../bytes.js'
import { ProtocolError } from '../errors.js'
import { FILECOIN_EPOCH_MS, FILECOIN_GENESIS_MS, QUICKNET, QUICKNET_DST } from './drand-chains.js'

export interface DrandChainInfo {
  chainHash: string
  publicKey: string
  /** Unix seconds of round 1. */
  genesisTime: number
  /** Seconds between rounds. */
  period: number
}

/** A beacon as drand's HTTP API returns it (`GET /{chainHash}/public/{round}`). */
export interface DrandBeacon {
  round: number
  /** Hex; must equal SHA-256 of the signature. */
  randomness: string
  /** Hex of the compressed G1 signature (48 bytes). */
  signature: string
}

/**
 * drand's own rule: the round whose publication time is the latest at or before `timeMs`
 * (`floor((t − genesis) / period) + 1`), and 0 before genesis.
 */
export function drandRoundAt(chain: DrandChainInfo, timeMs: number): number {
  const sinceGenesis = timeMs - chain.genesisTime * 1000
  if (sinceGenesis < 0) return 0
  return Math.floor(sinceGenesis / (chain.period * 1000)) + 1
}

/** Unix milliseconds at which a drand round is published. */
export function drandRoundTime(chain: DrandChainInfo, round: number): number {
  return (chain.genesisTime + (round - 1) * chain.period) * 1000
}

/**
 * Spark's mapping from a round's start epoch to a drand round: the beacon published at the
 * epoch's wall-clock time. For quicknet this is `10 * epoch − 31498988`.
 */
export function sparkEpochToDrandRound(startEpoch: number, chain: DrandChainInfo = QUICKNET): number {
  return drandRoundAt(chain, startEpoch * FILECOIN_EPOCH_MS + FILECOIN_GENESIS_MS)
}

/** The message drand signs for an unchained round: SHA-256 of the round as uint64 big-endian. */
export function drandMessage(round: number): Uint8Array {
  return sha256(uint64be(round))
}

// The curve is loaded when a beacon is first verified, not with this package: its module computes
// its field tower on import, about 55 ms that every `spark-swarm` command paid, `--version` and
// `evaluate` included. (require of an ES module: Node ≥ 20.19.)
let bls: typeof Bls12381 | undefined
function blsCurve(): typeof Bls12381 {
  bls ??= (createRequire(import.meta.url)('@noble/curves/bls12-381.js') as { bls12_381: typeof Bls12381 }).bls12_381
  return bls
}

/**
 * Verifies an unchained G1 beacon (quicknet's scheme) against the chain's public key, and that
 * its randomness is SHA-256 of the signature. Throws DRAND_BEACON_INVALID with the reason; a
 * beacon that passes is safe to use as a round seed.
 */
export function verifyDrandBeacon(chain: DrandChainInfo, beacon: DrandBeacon): void {
  // the beacon is whatever an HTTP server answered: name its round only when it is a number
  // (a template string of an odd value can throw: a deep array, an object without toString)
  const round: unknown = beacon?.round
  const fail: (why: string) => never = (why) => {
    throw new ProtocolError('DRAND_BEACON_INVALID', `drand beacon ${typeof round === 'number' ? round : `(round not a number)`}: ${why}`, {
      round: typeof round === 'number' ? round : undefined,
    })
  }
  if (!Number.isSafeInteger(beacon?.round) || beacon.round < 1) fail('round must be a positive integer')
  let signature: Uint8Array
  let randomness: Uint8Array
  try {
    signature = fromHex(beacon.signature, 'signature')
    randomness = fromHex(beacon.randomness, 'randomness')
  } catch (err) {
    fail((err as Error).message)
  }
  if (signature.length !== 48) fail(`signature must be 48 bytes, got ${signature.length}`)
  if (!bytesEqual(sha256(signature), randomness)) fail('randomness is not SHA-256 of the signature')
  let ok = false
  try {
    const g1 = blsCurve().shortSignatures
    const point = g1.hash(drandMessage(beacon.round), QUICKNET_DST)
    ok = g1.verify(signature, point, fromHex(chain.publicKey, 'publicKey'))
  } catch (err) {
    fail(`signature does not decode: ${(err as Error).message}`)
  }
  if (!ok) fail('BLS signature does not verify against the chain public key')
}

/** Lowercase hex randomness of a verified beacon, the string Spark feeds to its tasker. */
export function beaconRandomness(chain: DrandChainInfo, beacon: DrandBeacon): string {
  verifyDrandBeacon(chain, beacon)
  return toHex(fromHex(beacon.randomness))
}
