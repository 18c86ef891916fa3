import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import { compareBytes } from './bytes.js'
import { taskId } from './catalogue.js'
import { cidFromText, cidOfDagCbor } from './cid.js'
import { ProtocolError } from './errors.js'
import type { AdmissionSnapshot, CommitteeResult, RoundEvaluation } from './evaluation/round-types.js'
import type { Rate } from './evaluation/scoring.js'
import { type ProtocolParams, paramsDigest } from './params.js'
import type { RoundSeeds } from './randomness/seeds.js'
import { runSteps, STEP_ITEMS, type Steps } from './steps.js'

/** The version of committee blocks, and of the roots of version-1 rounds. */
export const SUMMARY_VERSION = 1
/** The root of a version-2 round: it records the admission snapshot (spec §13.7). */
export const SUMMARY_VERSION_ADMISSION = 2

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

/**
 * One committee's result as its own block: what the committee's members attest. It names its
 * network, round and rules, so a block taken out of a summary still says what it is.
 */
export interface CommitteeBlock {
  version: number
  network: string
  round: number
  paramsDigest: string
  randomness: string
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
  /** Links to the committee blocks, in task order. */
  committees: CID[]
  providers: Record<string, SummaryProvider>
  previous: CID | null
  /** Version 2 only: the height eligibility was read at, and the members' participants (spec §13.7). */
  admission?: SummaryAdmission
}

export interface SummaryAdmission {
  height: number | null
  /** Link to a block holding the sorted list of the committee members' participants. */
  eligible: CID
}

export interface BuiltSummary {
  summary: RoundSummary
  /** The summary block itself. */
  root: Block
  /** Committee blocks by task id (`cid::minerId`): their CIDs are what members attest. */
  committees: Map<string, Block>
  /** The root block first, then per committee its block and its measurement-list block. */
  blocks: Block[]
}

const ppm = (r: Rate): number => (r.total > 0 ? Math.round((r.successes / r.total) * 1_000_000) : 0)

/**
 * The round summary as deterministic DAG-CBOR: committees sorted by task, measurement CIDs
 * sorted by bytes, map keys in DAG-CBOR's canonical order, integers only. Nodes that saw the
 * same measurements build byte-identical summaries, so agreement shows as equal CIDs.
 */
interface SummaryContext {
  params: ProtocolParams
  seeds: RoundSeeds
}

/**
 * A committee's block and its measurement-list block (the members' CIDs sorted by bytes). Equal
 * members and equal rules give equal bytes, hence equal CIDs on every honest member.
 */
export function buildCommitteeBlock(
  committee: CommitteeResult,
  ctx: SummaryContext & { network: string; round: number; digest?: string },
): { block: Block; list: Block } {
  const members = committee.measurements.map(cidFromText).sort((a, b) => compareBytes(a.bytes, b.bytes))
  const listBytes = dagCbor.encode(members)
  const list = { cid: cidOfDagCbor(listBytes), bytes: listBytes }
  const value: CommitteeBlock = {
    version: SUMMARY_VERSION,
    network: ctx.network,
    round: ctx.round,
    paramsDigest: ctx.digest ?? paramsDigest(ctx.params),
    randomness: ctx.seeds.randomness,
    task: { cid: committee.task.cid, minerId: committee.task.minerId },
    size: committee.size,
    indexMajorityFound: committee.indexMajorityFound,
    indexerResult: committee.indexerResult,
    retrievalMajorityFound: committee.retrievalMajorityFound,
    retrievalResult: committee.retrievalResult,
    counts: committee.counts,
    measurements: list.cid,
  }
  const bytes = dagCbor.encode(value)
  return { block: { cid: cidOfDagCbor(bytes), bytes }, list }
}

/**
 * The round summary as deterministic DAG-CBOR: one block per committee (in task order) with its
 * measurement list, the three scores per provider, integers only. Nodes that saw the same
 * measurements build byte-identical summaries, so agreement shows as equal CIDs.
 */
export function buildRoundSummary(evaluation: RoundEvaluation, ctx: RoundSummaryContext): BuiltSummary {
  return runSteps(buildRoundSummaryInSteps(evaluation, ctx))
}

type RoundSummaryContext = SummaryContext & { catalogueCid: CID | null; previous: CID | null; admission?: AdmissionSnapshot }

/**
 * `buildRoundSummary` cut into steps (`Steps`) of about `STEP_ITEMS` measurement CIDs each: what
 * a node drives between its other work. Driven to the end, it returns the same blocks.
 */
export function* buildRoundSummaryInSteps(evaluation: RoundEvaluation, ctx: RoundSummaryContext): Steps<BuiltSummary> {
  const digest = paramsDigest(ctx.params)
  const blocks: Block[] = []
  const committees = new Map<string, Block>()
  const links: CID[] = []
  let listed = 0
  for (const c of evaluation.committees) {
    listed += c.measurements.length
    if (listed >= STEP_ITEMS) {
      listed = 0
      yield
    }
    const { block, list } = buildCommitteeBlock(c, { ...ctx, network: evaluation.network, round: evaluation.round, digest })
    blocks.push(block, list)
    committees.set(taskId(c.task), block)
    links.push(block.cid)
  }
  const providers: Record<string, SummaryProvider> = {}
  for (const [minerId, s] of Object.entries(evaluation.providers)) {
    providers[minerId] = {
      perRequest: { successes: s.perRequest.successes, total: s.perRequest.total },
      committee: { successes: s.committee.successes, total: s.committee.total },
      committeeFraction: { ppm: ppm(s.committeeFraction), committees: s.committeeFraction.total },
      excluded: s.excluded,
    }
  }
  const admission = yield* admissionOf(evaluation, ctx)
  if (admission) blocks.push(admission.list)
  const summary: RoundSummary = {
    version: admission ? SUMMARY_VERSION_ADMISSION : SUMMARY_VERSION,
    network: evaluation.network,
    round: evaluation.round,
    paramsDigest: digest,
    randomness: ctx.seeds.randomness,
    catalogue: ctx.catalogueCid,
    committees: links,
    providers,
    previous: ctx.previous,
    ...(admission ? { admission: admission.value } : {}),
  }
  const bytes = dagCbor.encode(summary)
  const root = { cid: cidOfDagCbor(bytes), bytes }
  return { summary, root, committees, blocks: [root, ...blocks] }
}

/**
 * Version 2: the snapshot's height and the distinct participants of the committee members, the
 * only ones the summary relies on (spec §13.7). A function of the members, not of everything the
 * node saw, so nodes with equal committees build equal roots.
 */
function* admissionOf(
  evaluation: RoundEvaluation,
  ctx: { params: ProtocolParams; admission?: AdmissionSnapshot },
): Steps<{ value: SummaryAdmission; list: Block } | undefined> {
  if (ctx.params.protocolVersion < 2) return undefined
  if (!ctx.admission)
    throw new ProtocolError('ADMISSION_SNAPSHOT_INVALID', 'a version-2 summary needs the admission snapshot it was evaluated with')
  const members = new Set<string>()
  for (const c of evaluation.committees) {
    for (const cid of c.measurements) members.add(cid)
    yield
  }
  const participants = new Set<string>()
  let seen = 0
  for (const m of evaluation.measurements) {
    if (++seen % STEP_ITEMS === 0) yield
    if (members.has(m.cid) && m.participant !== undefined) participants.add(m.participant)
  }
  const bytes = dagCbor.encode([...participants].sort())
  const list = { cid: cidOfDagCbor(bytes), bytes }
  return { value: { height: ctx.admission.height, eligible: list.cid }, list }
}
