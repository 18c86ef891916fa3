import { describe, expect, it } from 'vitest'
import { createClaimCounter, createMarketSectors, judgeClaim } from '../src/catalogue/index.js'

/*
 * Verified-registry claims (StateGetAllClaims) in `catalogue build`: none becomes an entry, since
 * a claim names a piece CID and no payload CID; each is counted under the first reason that applies.
 */

const HEAD = 4_000_000
const PIECE = { '/': 'baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq' }
const claim = (over: Record<string, unknown> = {}) => ({
  Provider: 1000,
  Client: 2000,
  Data: PIECE,
  Size: 34359738368,
  TermMin: 518400,
  TermMax: 1555200,
  TermStart: HEAD - 2000,
  Sector: 42,
  ...over,
})
const deal = (provider: string, sector: number, over: { verified?: boolean; sectorStart?: number } = {}) => ({
  Proposal: { Provider: provider, VerifiedDeal: over.verified ?? true, PieceCID: PIECE },
  State: { SectorNumber: sector, SectorStartEpoch: over.sectorStart ?? HEAD - 5000, SlashEpoch: -1 },
})
const noMarket = createMarketSectors()

describe('judgeClaim', () => {
  it('an active claim outside any market deal is DDO with no payload CID on chain', () => {
    expect(judgeClaim(claim(), HEAD, noMarket)).toBe('ddo-no-payload-cid')
  })

  it('expires after TermStart + TermMax, as the verified registry has it (the last epoch still counts)', () => {
    expect(judgeClaim(claim({ TermStart: HEAD - 1555200 }), HEAD, noMarket)).toBe('ddo-no-payload-cid')
    expect(judgeClaim(claim({ TermStart: HEAD - 1555201 }), HEAD, noMarket)).toBe('expired')
  })

  it('a claim in a sector of a verified market deal of the same provider is that deal’s (f0 or t0 addresses)', () => {
    const market = createMarketSectors()
    market.add(deal('f01000', 42))
    market.add(deal('t01001', 7))
    market.add(deal('f01002', 9, { verified: false }))
    market.add(deal('f01003', 11, { sectorStart: -1 }))
    expect(judgeClaim(claim(), HEAD, market)).toBe('market-deal')
    expect(judgeClaim(claim({ Provider: 1001, Sector: 7 }), HEAD, market)).toBe('market-deal')
    // another provider's sector 42, an unverified deal's sector, a deal not yet in a sector
    expect(judgeClaim(claim({ Provider: 1001, Sector: 42 }), HEAD, market)).toBe('ddo-no-payload-cid')
    expect(judgeClaim(claim({ Provider: 1002, Sector: 9 }), HEAD, market)).toBe('ddo-no-payload-cid')
    expect(judgeClaim(claim({ Provider: 1003, Sector: 11 }), HEAD, market)).toBe('ddo-no-payload-cid')
    // an expired claim is expired, whatever deal it belonged to
    expect(judgeClaim(claim({ TermStart: 0, TermMax: 10 }), HEAD, market)).toBe('expired')
  })

  it('anything but Lotus’ shape is malformed, never a crash', () => {
    for (const bad of [
      null,
      'claim',
      [],
      claim({ Provider: 'f01000' }),
      claim({ Provider: -1 }),
      claim({ Data: 'baga6ea4sea' }),
      claim({ Data: { '/': '' } }),
      claim({ Data: null }),
      claim({ TermMax: 1.5 }),
      claim({ TermStart: undefined }),
      claim({ Sector: Number.MAX_SAFE_INTEGER + 1 }),
    ]) {
      expect(judgeClaim(bad, HEAD, noMarket)).toBe('malformed')
    }
  })
})

describe('createClaimCounter', () => {
  it('counts every claim read, by reason in a fixed order, whatever order they came in', () => {
    const market = createMarketSectors()
    market.add(deal('f01000', 1))
    const counter = createClaimCounter(HEAD, market)
    for (const c of [claim(), null, claim({ Sector: 1 }), claim({ TermStart: 0, TermMax: 1 }), claim({ Sector: 3 })]) counter.add(c)
    const result = counter.result()
    expect(result).toEqual({ claimsRead: 5, claimsDropped: { malformed: 1, expired: 1, 'market-deal': 1, 'ddo-no-payload-cid': 2 } })
    expect(Object.keys(result.claimsDropped)).toEqual(['malformed', 'expired', 'market-deal', 'ddo-no-payload-cid'])
  })
})
