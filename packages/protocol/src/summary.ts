import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { compareBytes } from './bytes.js'
import type { RoundEvaluation } from './evaluation/round-types.js'
import type { Rate } from './evaluation/scoring.js'
import { cidOfDagCbor } from './measurement.js'
import { type ProtocolParams, paramsDigest } from './params.js'
import type { RoundSeeds } from './randomness/seeds.js'

export const SUMMARY_VERSION = 1

/** A block to store: its CID and bytes. */
export interface Block {
  cid: CID
  bytes: Uint8Array
}

/** Rates are stored as integer counts and parts per million: DAG-CBOR summaries hold no floats. */
export interface SummaryRate {
  successes: number
  total: number
}

export interface SummaryCommittee {
  task: { cid: string; minerId: string }
  size: number
  indexMajorityFound: boolean
  indexerResult: string
  retrievalMajorityFound: boolean
  retrievalResult: string
  counts: Record<string, number>
  /** Link to a block holding the sorted list of the members' measurement CIDs. */
  measurements: CID
}

export interface SummaryProvider {
  perRequest: SummaryRate
  committee: SummaryRate
  /** Mean per-committee success fraction in parts per million, over `committees` committees. */
  committeeFraction: { ppm: number; committees: number }
  excluded: Record<string, number>
}

export interface RoundSummary {
  version: number
  network: string
  round: number
  paramsDigest: string
  randomness: string
  catalogue: CID | null
  committees: SummaryCommittee[]
  providers: Record<string, SummaryProvider>
  previous: CID | null
}

export interface BuiltSummary {
  summary: RoundSummary
  /** The summary block itself. */
  root: Block
  /** The root block first, then one measurement-list block per committee. */
  blocks: Block[]
}

const ppm = (r: Rate): number => (r.total > 0 ? Math.round((r.successes / r.total) * 1_000_000) : 0)

/**
 * The round summary as deterministic DAG-CBOR: committees sorted by task, measurement CIDs
 * sorted by bytes, map keys in DAG-CBOR's canonical order, integers only. Nodes that saw the
 * same measurements build byte-identical summaries, so agreement shows as equal CIDs.
 */
export function buildRoundSummary(
  evaluation: RoundEvaluation,
  ctx: { params: ProtocolParams; seeds: RoundSeeds; catalogueCid: CID | null; previous: CID | null },
): BuiltSummary {
  const blocks: Block[] = []
  const committees: SummaryCommittee[] = evaluation.committees.map((c) => {
    const list = c.measurements.map((text) => CID.parse(text)).sort((a, b) => compareBytes(a.bytes, b.bytes))
    const bytes = dagCbor.encode(list)
    const block = { cid: cidOfDagCbor(bytes), bytes }
    blocks.push(block)
    return {
      task: { cid: c.task.cid, minerId: c.task.minerId },
      size: c.size,
      indexMajorityFound: c.indexMajorityFound,
      indexerResult: c.indexerResult,
      retrievalMajorityFound: c.retrievalMajorityFound,
      retrievalResult: c.retrievalResult,
      counts: c.counts,
      measurements: block.cid,
    }
  })
  const providers: Record<string, SummaryProvider> = {}
  for (const [minerId, s] of Object.entries(evaluation.providers)) {
    providers[minerId] = {
      perRequest: { successes: s.perRequest.successes, total: s.perRequest.total },
      committee: { successes: s.committee.successes, total: s.committee.total },
      committeeFraction: { ppm: ppm(s.committeeFraction), committees: s.committeeFraction.total },
      excluded: s.excluded,
    }
  }
  const summary: RoundSummary = {
    version: SUMMARY_VERSION,
    network: evaluation.network,
    round: evaluation.round,
    paramsDigest: paramsDigest(ctx.params),
    randomness: ctx.seeds.randomness,
    catalogue: ctx.catalogueCid,
    committees,
    providers,
    previous: ctx.previous,
  }
  const bytes = dagCbor.encode(summary)
  const root = { cid: cidOfDagCbor(bytes), bytes }
  return { summary, root, blocks: [root, ...blocks] }
}

/** Decodes a summary block (shape-checked lightly; `verify` re-derives it from measurements). */
export function decodeRoundSummary(bytes: Uint8Array): RoundSummary {
  const value = dagCbor.decode(bytes) as RoundSummary
  if (typeof value !== 'object' || value === null || value.version !== SUMMARY_VERSION || !Array.isArray(value.committees)) {
    throw new Error(`not a round summary of version ${SUMMARY_VERSION}`)
  }
  return value
}
