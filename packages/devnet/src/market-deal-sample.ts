import { base36 } from 'multiformats/bases/base36'
import { type DealSpec, type MarketDealJson, marketDealsJson, payloadCid } from './market-deals.js'
import { type ClaimJson, dealClaimJson, directClaimJson } from './verified-claims.js'

/**
 * A small market with what mainnet's has, for catalogue tests: labels that are CIDv1, CIDv0,
 * a CIDv1 in another base, empty, and not a CID; expired, slashed and not yet active deals; one
 * (payload, miner) stored in several deals; miners with and without a peer id on chain. And the
 * verified registry's claims: pieces onboarded directly (DDO), active, expired and at the last
 * epoch of their term, beside the claims verified market deals made.
 */
export interface MarketSample {
  deals: Record<string, MarketDealJson>
  /** For the fake chain's `claims`. */
  claims: Record<string, ClaimJson>
  /** For the fake chain's `miners`: f01002 has no PeerId set. */
  miners: Record<string, string | null>
  /** The catalogue this market should give, sorted as the builder sorts it. */
  expected: Array<{ cid: string; minerId: string; providerId?: string }>
  /** Drop counts it should give. */
  dropped: Record<string, number>
  /** Claim counts it should give (none is an entry). */
  claimsDropped: Record<string, number>
}

/** Valid Ed25519 peer ids (keys of seed bytes 0x01… and 0x02…), as Lotus prints them. */
export const SAMPLE_PEERS = {
  f01000: '12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5',
  f01001: '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq',
} as const

export async function marketSample(height: number): Promise<MarketSample> {
  const a = (await payloadCid('a')).toString()
  const b = (await payloadCid('b', 0)).toString()
  const c = await payloadCid('c')
  const d = (await payloadCid('d')).toString()
  const specs: DealSpec[] = [
    { provider: 'f01000', label: a },
    { provider: 'f01000', label: a }, // the same payload with the same miner: one task
    { provider: 'f01001', label: a }, // ... with another miner: a second task
    { provider: 'f01000', label: b }, // CIDv0, kept as Qm…
    { provider: 'f01001', label: c.toString() },
    { provider: 'f01001', label: c.toString(base36) }, // the same CID spelled in base36: a duplicate
    { provider: 'f01002', label: d }, // a miner with no peer id on chain
    { provider: 'f01001', label: '' },
    { provider: 'f01001', label: 'my holiday photos' },
    { provider: 'f01000', label: 'QmNotReallyACid' },
    { provider: 'f01000', label: (await payloadCid('expired')).toString(), endEpoch: height },
    { provider: 'f01001', label: (await payloadCid('slashed')).toString(), slashEpoch: height - 10 },
    { provider: 'f01002', label: (await payloadCid('pending')).toString(), sectorStartEpoch: -1 },
  ]
  const expected = [
    { cid: a, minerId: 'f01000', providerId: SAMPLE_PEERS.f01000 },
    { cid: a, minerId: 'f01001', providerId: SAMPLE_PEERS.f01001 },
    { cid: b, minerId: 'f01000', providerId: SAMPLE_PEERS.f01000 },
    { cid: c.toString(), minerId: 'f01001', providerId: SAMPLE_PEERS.f01001 },
    { cid: d, minerId: 'f01002' },
  ].sort((x, y) => (x.cid < y.cid ? -1 : x.cid > y.cid ? 1 : x.minerId < y.minerId ? -1 : 1))
  const deals = await marketDealsJson(specs, height)
  const claimList: ClaimJson[] = [
    directClaimJson(1, { provider: 1000, sector: 5001 }, height),
    directClaimJson(2, { provider: 1001, sector: 5002 }, height),
    // its term ended an epoch ago: the registry may remove it, and no provider is paid for it
    directClaimJson(3, { provider: 1001, sector: 5003, termStart: height - 1_555_201, termMax: 1_555_200 }, height),
    // the last epoch of its term: still in force
    directClaimJson(4, { provider: 1002, sector: 5004, termStart: height - 1_555_200, termMax: 1_555_200 }, height),
    // the claims two verified market deals made: the deals' labels decide about them
    dealClaimJson(deals['1000'] as MarketDealJson),
    dealClaimJson(deals['1003'] as MarketDealJson),
  ]
  return {
    deals,
    claims: Object.fromEntries(claimList.map((c, i) => [String(7000 + i), c])),
    miners: { ...SAMPLE_PEERS, f01002: null },
    expected,
    dropped: { duplicate: 2, 'label-empty': 1, 'label-not-cid': 2, expired: 1, slashed: 1, 'not-active': 1 },
    claimsDropped: { expired: 1, 'market-deal': 2, 'ddo-no-payload-cid': 3 },
  }
}
