import {
  beaconRandomness,
  type DrandBeacon,
  drandRoundAt,
  localBeaconRandomness,
  type ProtocolParams,
  roundStartTime,
} from '@spark-swarm/protocol'
import { describeError } from '../../retrieval/errors.js'

/**
 * The drand beacon of a round could not be had (no answer, an error status, a wrong round): the
 * node cannot know the round's tasks. Its `code` is the local fault it sets (spec §5.4).
 */
export class DrandUnreachableError extends Error {
  override readonly name = 'DrandUnreachableError'
  readonly code = 'DRAND_UNREACHABLE'
  readonly url: string

  constructor(url: string, why: string, options: { cause?: unknown } = {}) {
    super(`the drand beacon cannot be fetched from ${url}: ${why}`, options)
    this.url = url
  }
}

/** Where a node gets a round's randomness: verified, or not at all. */
export interface RandomnessSource {
  roundRandomness(round: number, options?: { signal?: AbortSignal }): Promise<string>
}

export interface RandomnessInit {
  /** drand HTTP API base URL (e.g. https://api.drand.sh), for params with a drand source. */
  drandUrl?: string
  fetch?: typeof globalThis.fetch
}

/**
 * The round's beacon randomness: the local hash chain for devnets, or the drand beacon published
 * at the round's start, fetched over drand's HTTP API and verified against the chain key before use.
 */
export function createRandomnessSource(params: ProtocolParams, init: RandomnessInit = {}): RandomnessSource {
  const r = params.randomness
  if (r.type === 'local') {
    // one hash per round, whatever the network's age (spec §2.3)
    return { roundRandomness: async (round) => localBeaconRandomness(r.genesisSeed, round) }
  }
  const fetchFn = init.fetch ?? globalThis.fetch
  const cache = new Map<number, string>()
  return {
    async roundRandomness(round, options = {}) {
      const known = cache.get(round)
      if (known) return known
      if (!init.drandUrl) throw new Error('this network takes its randomness from drand: configure drandUrl')
      const drandRound = drandRoundAt(r, roundStartTime(params, round))
      const url = `${init.drandUrl.replace(/\/$/, '')}/${r.chainHash}/public/${drandRound}`
      let beacon: DrandBeacon
      try {
        const res = await fetchFn(url, { signal: options.signal ?? AbortSignal.timeout(10_000) })
        if (!res.ok) {
          await res.body?.cancel()
          throw new DrandUnreachableError(url, `drand answered HTTP ${res.status} for round ${drandRound}`)
        }
        beacon = (await res.json()) as DrandBeacon
      } catch (err) {
        if (options.signal?.aborted || err instanceof DrandUnreachableError) throw err
        throw new DrandUnreachableError(url, describeError(err), { cause: err })
      }
      if (beacon?.round !== drandRound) throw new DrandUnreachableError(url, `drand sent round ${beacon?.round}, asked for ${drandRound}`)
      const value = beaconRandomness(r, beacon)
      cache.set(round, value)
      if (cache.size > 16) cache.delete(cache.keys().next().value as number)
      return value
    },
  }
}
