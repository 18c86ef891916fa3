import type { MarketDealJson } from './market-deals.js'
import { devnetPieceCid } from './piece-cid.js'

/**
 * Verified-registry claims as Lotus' `Filecoin.StateGetAllClaims` answers them: a map of claim
 * id (a decimal string) to a claim, with go-state-types' field names and JSON types: actor ids
 * and epochs as numbers, the piece CID as `{"/": …}`, the padded piece size in bytes.
 */
export interface ClaimJson {
  Provider: number
  Client: number
  Data: { '/': string }
  Size: number
  TermMin: number
  TermMax: number
  TermStart: number
  Sector: number
}

/** A piece onboarded directly (DDO): a claim and no market deal. */
export interface DirectClaimSpec {
  /** Miner actor id, e.g. 1000 for f01000. */
  provider: number
  sector: number
  /** Default: activated 2,000 epochs before the head. */
  termStart?: number
  /** Default: 540 days of 30-s epochs (1,555,200), as FIL+ allocations commonly ask. */
  termMax?: number
}

const TERM_MIN = 518_400 // 180 days, the verified registry's minimum
const TERM_MAX = 1_555_200
const SECTOR_BYTES = 34_359_738_368

export function directClaimJson(id: number, spec: DirectClaimSpec, height: number): ClaimJson {
  return {
    Provider: spec.provider,
    Client: 2000 + (id % 7),
    Data: { '/': devnetPieceCid(`ddo ${id}`) },
    Size: SECTOR_BYTES,
    TermMin: TERM_MIN,
    TermMax: spec.termMax ?? TERM_MAX,
    TermStart: spec.termStart ?? height - 2000,
    Sector: spec.sector,
  }
}

/** The claim a verified market deal made when its sector was proven: same provider, sector and piece. */
export function dealClaimJson(deal: MarketDealJson): ClaimJson {
  return {
    Provider: Number(deal.Proposal.Provider.slice(2)),
    Client: Number(deal.Proposal.Client.slice(2)),
    Data: deal.Proposal.PieceCID,
    Size: deal.Proposal.PieceSize,
    TermMin: TERM_MIN,
    TermMax: deal.Proposal.EndEpoch - deal.State.SectorStartEpoch + 10_000,
    TermStart: deal.State.SectorStartEpoch,
    Sector: deal.State.SectorNumber,
  }
}
