import {
  beaconRandomness,
  type DrandBeacon,
  drandRoundAt,
  localBeaconRandomness,
  type ProtocolParams,
  roundStartTime,
} from '@spark-swarm/protocol'

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
      const res = await fetchFn(`${init.drandUrl.replace(/\/$/, '')}/${r.chainHash}/public/${drandRound}`, {
        signal: options.signal ?? AbortSignal.timeout(10_000),
      })
      if (!res.ok) throw new Error(`drand answered HTTP ${res.status} for round ${drandRound}`)
      const beacon = (await res.json()) as DrandBeacon
      if (beacon.round !== drandRound) throw new Error(`drand sent round ${beacon.round}, asked for ${drandRound}`)
      const value = beaconRandomness(r, beacon)
      cache.set(round, value)
      if (cache.size > 16) cache.delete(cache.keys().next().value as number)
      return value
    },
  }
}
