import { fromHex, toHex, uint64be } from '../bytes.js'
import { DOMAIN, domainHash } from '../domain.js'
import { ProtocolError } from '../errors.js'

/**
 * The local beacon of offline networks (spec §2.3): `r(0) = genesisSeed`,
 * `r(n) = SHA-256(domain || 0x00 || uint64be(n) || genesisSeed)`. Each round comes from the genesis
 * seed alone, so checking round n costs one hash however old the network is. There is no secret:
 * use it for devnets and tests, never where an adversary could profit from knowing future seeds.
 */
export function localBeaconRandomness(genesisSeed: string, round: number): string {
  if (!Number.isSafeInteger(round) || round < 0) {
    throw new ProtocolError('ROUND_INVALID', `round must be a non-negative integer, got ${round}`)
  }
  const seed = fromHex(genesisSeed, 'genesisSeed')
  if (round === 0) return toHex(seed)
  return toHex(domainHash(DOMAIN.localBeacon, uint64be(round), seed))
}
