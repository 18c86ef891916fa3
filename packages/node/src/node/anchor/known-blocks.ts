import type { CommitteeMembership } from '@spark-swarm/protocol'

/**
 * Foreign committee blocks kept per round. Catch-up fetches at most a few blocks per attester and
 * round (fetch-budget.ts), but attesters are many: past this, a block's members are not kept and
 * its attesters do not count here (confirmation is informational; nothing is lost but a report).
 */
const MAX_KNOWN_BLOCKS_PER_ROUND = 4096

export interface KnownBlock {
  taskId: string
  membership: CommitteeMembership
}

/**
 * The members of committee blocks other than the node's own that catch-up fetched (spec §12.6):
 * what confirmation counts their attesters against. Kept by round, dropped with the round.
 */
export function createKnownBlocks() {
  const byRound = new Map<number, Map<string, KnownBlock>>()
  return {
    learn(round: number, committeeCid: string, block: KnownBlock) {
      const ofRound = byRound.get(round) ?? new Map<string, KnownBlock>()
      if (!ofRound.has(committeeCid) && ofRound.size >= MAX_KNOWN_BLOCKS_PER_ROUND) return
      ofRound.set(committeeCid, block)
      byRound.set(round, ofRound)
    },
    get(round: number, committeeCid: string): KnownBlock | undefined {
      return byRound.get(round)?.get(committeeCid)
    },
    /** Forgets rounds `keep` says no more. */
    prune(keep: (round: number) => boolean) {
      for (const r of byRound.keys()) if (!keep(r)) byRound.delete(r)
    },
  }
}

export type KnownBlocks = ReturnType<typeof createKnownBlocks>
