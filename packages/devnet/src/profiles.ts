/**
 * How a fake storage provider behaves. Each profile reproduces one retrieval outcome of Spark's
 * result-code table over the trustless HTTP gateway; see README.md for the mapping and
 * for what each one does over bitswap.
 */
export type ProviderProfile =
  /** Serves every block correctly (OK). */
  | { kind: 'healthy' }
  /** A deterministic `failShare` of requests answer `status` (default 502); the rest are healthy (HTTP_502…). */
  | { kind: 'flaky'; failShare: number; status?: number }
  /** Headers and first byte only after `delayMs` (TIMEOUT when above the checker's no-progress timeout). */
  | { kind: 'slow-first-byte'; delayMs: number }
  /** Headers and the first `afterBytes` bytes of the CAR, then silence with the socket open (TIMEOUT). */
  | { kind: 'stall-mid-body'; afterBytes: number }
  /** A valid CAR whose block bytes do not hash to the CID, same length (CONTENT_VERIFICATION_FAILED). */
  | { kind: 'wrong-bytes' }
  /** The requested block followed by another valid block (UNEXPECTED_CAR_BLOCK). */
  | { kind: 'extra-blocks' }
  /** The CAR cut in the middle of the block's bytes (CANNOT_PARSE_CAR_FILE). */
  | { kind: 'truncated-car' }
  /** 200 with pseudo-random bytes that are not a CAR (CANNOT_PARSE_CAR_FILE). */
  | { kind: 'garbage-car' }
  /** Every request answers `status`, 500–599 (HTTP_<status>). */
  | { kind: 'http-5xx'; status: number }
  /** The gateway's port is closed, so the advertised address refuses connections (CONNECTION_REFUSED). */
  | { kind: 'refuse' }
  /** A CAR whose root block claims and streams `bytes` bytes in total, generated on the fly (CAR_TOO_LARGE). */
  | { kind: 'oversized'; bytes: number }
  /** A valid CAR header naming the root, and no blocks (the checker never receives the block). */
  | { kind: 'empty-car' }

export type ProfileKind = ProviderProfile['kind']

export const HEALTHY: ProviderProfile = { kind: 'healthy' }

/** Rejects impossible parameters early, at start or setProfile, rather than mid-request. */
export function validateProfile(profile: ProviderProfile): ProviderProfile {
  const fail = (why: string): never => {
    throw new Error(`invalid provider profile ${JSON.stringify(profile)}: ${why}`)
  }
  switch (profile.kind) {
    case 'flaky':
      if (!(profile.failShare >= 0 && profile.failShare <= 1)) fail('failShare must be in [0, 1]')
      if (profile.status !== undefined && !isHttpStatus(profile.status)) fail('status must be an HTTP status code')
      break
    case 'http-5xx':
      if (!(Number.isInteger(profile.status) && profile.status >= 500 && profile.status <= 599)) fail('status must be 500–599')
      break
    case 'slow-first-byte':
      if (!(profile.delayMs >= 0)) fail('delayMs must be ≥ 0')
      break
    case 'stall-mid-body':
      if (!(Number.isInteger(profile.afterBytes) && profile.afterBytes >= 0)) fail('afterBytes must be an integer ≥ 0')
      break
    case 'oversized':
      if (!(Number.isSafeInteger(profile.bytes) && profile.bytes > 0)) fail('bytes must be a positive integer')
      break
  }
  return profile
}

function isHttpStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 100 && status <= 599
}

/**
 * Deterministic "fail a share of requests": request n (from 0) fails iff
 * floor((n+1)·share) > floor(n·share). Exactly floor(n·share) of the first n requests fail,
 * spread evenly, so tests are reproducible without a random generator. share 0.5 ⇒ ok, fail, ok, fail…
 */
export class EvenSpread {
  private n = 0
  private readonly share: number

  constructor(share: number) {
    this.share = share
  }

  nextFails(): boolean {
    const n = this.n++
    return Math.floor((n + 1) * this.share) > Math.floor(n * this.share)
  }
}

/**
 * What the provider's bitswap side does under a profile. Bitswap has no status codes or CAR
 * framing to corrupt, so only the timing profiles carry over; every "broken" profile withholds the
 * block (the provider claims not to have it: DONT_HAVE if asked, otherwise silence), which a
 * checker sees as a bitswap timeout.
 */
export type BitswapBehaviour =
  | { serve: 'always' }
  | { serve: 'after'; delayMs: number }
  | { serve: 'share'; failShare: number }
  | { serve: 'never' }

export function bitswapBehaviour(profile: ProviderProfile): BitswapBehaviour {
  switch (profile.kind) {
    case 'healthy':
      return { serve: 'always' }
    case 'slow-first-byte':
      return { serve: 'after', delayMs: profile.delayMs }
    case 'flaky':
      return { serve: 'share', failShare: profile.failShare }
    default:
      return { serve: 'never' }
  }
}
