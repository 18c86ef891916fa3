import { fromHex, toHex, uint64be } from '../bytes.js'
import { DOMAIN, domainHash } from '../domain.js'
import { ProtocolError } from '../errors.js'

/**
 * A local beacon chain for offline networks: `r(0) = genesisSeed`,
 * `r(n) = SHA-256(domain || 0x00 || uint64be(n) || r(n−1))`. Anyone holding the genesis seed can
 * recompute and check every link, as with a chained drand beacon, but there is no secret: use it
 * for devnets and tests, never where an adversary could profit from knowing future seeds.
 */
export function localBeaconRandomness(genesisSeed: string, round: number): string {
  if (!Number.isSafeInteger(round) || round < 0) {
    throw new ProtocolError('ROUND_INVALID', `round must be a non-negative integer, got ${round}`)
  }
  let value = fromHex(genesisSeed, 'genesisSeed')
  for (let n = 1; n <= round; n++) value = nextLocalBeacon(value, n)
  return toHex(value)
}

/** One link of the chain: the randomness of round `n` from that of round `n − 1`. */
export function nextLocalBeacon(previous: Uint8Array, n: number): Uint8Array {
  return domainHash(DOMAIN.localBeacon, uint64be(n), previous)
}

/** True when `randomness` is the link that follows `previous` at round `n`. */
export function verifyLocalBeaconLink(previous: string, n: number, randomness: string): boolean {
  try {
    return toHex(nextLocalBeacon(fromHex(previous), n)) === randomness
  } catch {
    return false
  }
}
