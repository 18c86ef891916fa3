/*
 * Data onboarded with DataCap leaves a claim in the verified registry, whether it came directly
 * (DDO, FIP-0076) or through a verified market deal. A claim names the provider and the piece CID
 * (`Data`), never the payload CID a retrieval check asks for, and carries no label: from the chain
 * alone no claim can become a task. Spark resolved DDO pieces to payload CIDs from the providers'
 * IPNI advertisements (its piece indexer), off the chain; this builder reads the chain only, so it
 * counts the claims and says why none became an entry, so that an operator sees how much DataCap'd
 * data the catalogue leaves out.
 */

/** Why a claim is not an entry; a claim is counted under the first that applies, in this order. */
export const CLAIM_DROP_REASONS = ['malformed', 'expired', 'market-deal', 'ddo-no-payload-cid'] as const
export type ClaimDropReason = (typeof CLAIM_DROP_REASONS)[number]

export interface ClaimCount {
  /** null: the endpoint would not give the claims (an older Lotus, a gateway that refuses the call). */
  claimsRead: number | null
  claimsDropped: Partial<Record<ClaimDropReason, number>>
  /** Why the claims were not read, when they were not. */
  claimsUnread?: string
}

/**
 * The sectors that hold a verified market deal, by provider actor id: a claim in one of them is
 * that deal's claim, already judged by its label. Lotus' deal state gives the deal's sector, not
 * its claim, so a claim is matched by (provider, sector); sector numbers only, to keep memory
 * small on mainnet's millions of deals.
 */
export function createMarketSectors() {
  const byProvider = new Map<number, Set<number>>()
  return {
    /** One deal of StateMarketDeals: kept when verified and in a sector (expired or slashed too: its claim may outlive it). */
    add(deal: unknown) {
      const proposal = (deal as { Proposal?: { VerifiedDeal?: unknown; Provider?: unknown } } | null)?.Proposal
      const state = (deal as { State?: { SectorNumber?: unknown; SectorStartEpoch?: unknown } } | null)?.State
      if (proposal?.VerifiedDeal !== true || state?.SectorStartEpoch === -1) return
      const provider = actorIdOf(proposal.Provider)
      const sector = state?.SectorNumber
      if (provider === undefined || !isCount(sector)) return
      const sectors = byProvider.get(provider) ?? new Set<number>()
      byProvider.set(provider, sectors.add(sector))
    },
    has(provider: number, sector: number): boolean {
      return byProvider.get(provider)?.has(sector) === true
    },
  }
}

export type MarketSectors = Pick<ReturnType<typeof createMarketSectors>, 'has'>

/** One claim of StateGetAllClaims, judged at epoch `head` (expired: `head > TermStart + TermMax`, as the verified registry has it). */
export function judgeClaim(claim: unknown, head: number, market: MarketSectors): ClaimDropReason {
  const c = claim as Record<string, unknown> | null
  if (typeof c !== 'object' || c === null) return 'malformed'
  const { Provider, Client, Data, Size, TermMin, TermMax, TermStart, Sector } = c
  const piece = (Data as { '/'?: unknown } | null)?.['/']
  if (![Provider, Client, Size, TermMin, TermMax, TermStart, Sector].every(isCount) || typeof piece !== 'string' || piece === '') {
    return 'malformed'
  }
  if (head > (TermStart as number) + (TermMax as number)) return 'expired'
  if (market.has(Provider as number, Sector as number)) return 'market-deal'
  return 'ddo-no-payload-cid'
}

/** Counts claims as they are read, by reason, in CLAIM_DROP_REASONS order. */
export function createClaimCounter(
  head: number,
  market: MarketSectors,
): { add(claim: unknown): void; result(): ClaimCount & { claimsRead: number } } {
  const dropped: Partial<Record<ClaimDropReason, number>> = {}
  let claimsRead = 0
  return {
    add(claim) {
      claimsRead++
      const reason = judgeClaim(claim, head, market)
      dropped[reason] = (dropped[reason] ?? 0) + 1
    },
    result() {
      const ordered: Partial<Record<ClaimDropReason, number>> = {}
      for (const reason of CLAIM_DROP_REASONS) if (dropped[reason] !== undefined) ordered[reason] = dropped[reason]
      return { claimsRead, claimsDropped: ordered }
    },
  }
}

/** `f01234` (mainnet) or `t01234` (test networks) as Lotus prints an ID address → 1234. */
function actorIdOf(address: unknown): number | undefined {
  const m = typeof address === 'string' ? /^[ft]0(\d{1,15})$/.exec(address) : null
  return m ? Number(m[1]) : undefined
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
