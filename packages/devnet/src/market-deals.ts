import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'

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

// piece CIDs: fil-commitment-unsealed (0xf101) over sha2-256-trunc254-padded (0x1012), as Lotus prints them
const FIL_COMMITMENT_UNSEALED = 0xf101
const SHA2_256_TRUNC254_PADDED = 0x1012

export async function marketDealJson(id: number, spec: DealSpec, height: number): Promise<MarketDealJson> {
  const commP = (await sha256.digest(new TextEncoder().encode(`devnet piece ${id}`))).digest
  commP[31] = (commP[31] as number) & 0x3f // the two top bits of a Fr32 value are zero
  const pieceCid = CID.create(1, FIL_COMMITMENT_UNSEALED, Digest.create(SHA2_256_TRUNC254_PADDED, commP))
  const sectorStart = spec.sectorStartEpoch ?? height - 1000
  return {
    Proposal: {
      PieceCID: { '/': pieceCid.toString() },
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
