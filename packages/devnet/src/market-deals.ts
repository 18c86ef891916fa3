import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { devnetPieceCid } from './piece-cid.js'

/**
 * Storage market deals as Lotus' `Filecoin.StateMarketDeals` answers them: a map of deal id (a
 * decimal string) to `{Proposal, State}`, with Lotus' field names and JSON types (epochs as
 * numbers, token amounts as decimal strings, CIDs as `{"/": …}`, −1 for "not yet"/"never").
 */
export interface MarketDealJson {
  Proposal: {
    PieceCID: { '/': string }
    PieceSize: number
    VerifiedDeal: boolean
    Client: string
    Provider: string
    Label: string
    StartEpoch: number
    EndEpoch: number
    StoragePricePerEpoch: string
    ProviderCollateral: string
    ClientCollateral: string
  }
  State: { SectorNumber: number; SectorStartEpoch: number; LastUpdatedEpoch: number; SlashEpoch: number }
}

export interface DealSpec {
  provider: string
  label: string
  /** Default: started 1000 epochs before the head. −1: published, sector not yet proven. */
  sectorStartEpoch?: number
  /** Default: a year of epochs after the head. */
  endEpoch?: number
  /** Default −1 (never slashed). */
  slashEpoch?: number
}

export async function marketDealJson(id: number, spec: DealSpec, height: number): Promise<MarketDealJson> {
  const pieceCid = devnetPieceCid(String(id))
  const sectorStart = spec.sectorStartEpoch ?? height - 1000
  return {
    Proposal: {
      PieceCID: { '/': pieceCid },
      PieceSize: 34359738368,
      VerifiedDeal: true,
      Client: `f0${2000 + (id % 7)}`,
      Provider: spec.provider,
      Label: spec.label,
      StartEpoch: sectorStart === -1 ? height + 100 : sectorStart,
      EndEpoch: spec.endEpoch ?? height + 1_051_200,
      StoragePricePerEpoch: '0',
      ProviderCollateral: '1234567890000000',
      ClientCollateral: '0',
    },
    State: {
      SectorNumber: sectorStart === -1 ? 0 : 100 + id,
      SectorStartEpoch: sectorStart,
      LastUpdatedEpoch: -1,
      SlashEpoch: spec.slashEpoch ?? -1,
    },
  }
}

/** Deals keyed by id, from specs numbered from `firstId`. */
export async function marketDealsJson(specs: readonly DealSpec[], height: number, firstId = 1000): Promise<Record<string, MarketDealJson>> {
  const deals: Record<string, MarketDealJson> = {}
  for (const [i, spec] of specs.entries()) deals[String(firstId + i)] = await marketDealJson(firstId + i, spec, height)
  return deals
}

/** A payload CID for tests: CIDv1 raw (`bafk…`) or, with `v0`, a dag-pb CIDv0 (`Qm…`). */
export async function payloadCid(seed: string, version: 0 | 1 = 1): Promise<CID> {
  const digest = await sha256.digest(new TextEncoder().encode(`devnet payload ${seed}`))
  return version === 0 ? CID.createV0(digest) : CID.createV1(0x55, digest)
}
