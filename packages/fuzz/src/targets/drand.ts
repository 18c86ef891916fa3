import { beaconRandomness, ProtocolError, QUICKNET, sha256, toHex } from '@spark-swarm/protocol'
import * as fc from 'fast-check'
import { jsonValueInputs } from '../inputs.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'

/** A genuine quicknet beacon (public data, as in spec §11.2). */
const BEACON = {
  round: 1000,
  randomness: 'fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd',
  signature: 'b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39',
}

/**
 * Signatures changed in place, with the randomness recomputed to match: these get past the cheap
 * checks into point decoding and BLS verification.
 */
const reSigned = fc
  .record({ at: fc.nat(47), xor: fc.integer({ min: 1, max: 255 }), round: fc.constantFrom(1000, 999, 1, 2 ** 53 - 1) })
  .map(({ at, xor, round }) => {
    const signature = Buffer.from(BEACON.signature, 'hex')
    signature[at] = (signature[at] as number) ^ xor
    return { round, randomness: toHex(sha256(signature)), signature: signature.toString('hex') }
  })

/** `beaconRandomness`: a drand beacon as drand's HTTP API (or whoever answers there) returns it. */
export function drandBeaconTarget(): FuzzTarget<unknown> {
  return {
    name: 'drand beacon',
    arbitrary: fc.oneof({ weight: 4, arbitrary: jsonValueInputs([BEACON]) }, { weight: 1, arbitrary: reSigned }),
    run(beacon) {
      const randomness = beaconRandomness(QUICKNET, beacon as typeof BEACON)
      invariant(randomness === BEACON.randomness, `accepted a beacon with randomness ${randomness}`)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, ProtocolError),
    codes: ['DRAND_BEACON_INVALID'],
  }
}
