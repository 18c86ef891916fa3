/**
 * How many distinct foreign committee CIDs one attester may make this node fetch in one round
 * (spec §12.7). An honest station attests each of its at most `maxTasksPerNode` tasks once when it
 * anchors and once more after each of its own catch-ups, so it never needs more than this; a
 * station that attests more is making the node fetch on its behalf.
 */
export function fetchesPerAttester(maxTasksPerNode: number, maxCatchUpsPerRound: number): number {
  return maxTasksPerNode * (1 + maxCatchUpsPerRound)
}

/**
 * Counts, per round and attester station, the distinct foreign CIDs its attestations queued for
 * catch-up, and refuses past `limit`. Without it each fresh identity assigned a task could make
 * every node fetch (10 s per block) as many blocks as it cares to attest.
 */
export function createFetchBudget(limit: number) {
  const byRound = new Map<number, Map<string, Set<string>>>()
  return {
    /** True if `station` may make the node fetch `cid` in `round` (a CID it already queued is free). */
    allow(round: number, station: string, cid: string): boolean {
      const ofRound = byRound.get(round) ?? new Map<string, Set<string>>()
      byRound.set(round, ofRound)
      const cids = ofRound.get(station) ?? new Set<string>()
      if (cids.has(cid)) return true
      if (cids.size >= limit) return false
      ofRound.set(station, cids.add(cid))
      return true
    },
    /** Forgets rounds `keep` says no more. */
    prune(keep: (round: number) => boolean) {
      for (const r of byRound.keys()) if (!keep(r)) byRound.delete(r)
    },
  }
}
