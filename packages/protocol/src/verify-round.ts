import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { bytesEqual, fromHex } from './bytes.js'
import { type Catalogue, sampleRoundTasks, validateCatalogue } from './catalogue.js'
import { cidOfDagCbor, cidOfDagCborDigest, cidText } from './cid.js'
import { ProtocolError } from './errors.js'
import { evaluateRound } from './evaluation/evaluate.js'
import type { MeasurementRecord, RoundEvaluation } from './evaluation/round-types.js'
import { decodeSignedMeasurement, measurementCid } from './measurement.js'
import { type ProtocolParams, paramsDigest, validateParams } from './params.js'
import { localBeaconRandomness } from './randomness/local.js'
import { deriveRoundSeeds } from './randomness/seeds.js'
import { buildRoundSummary, type RoundSummary } from './summary.js'
import { decodeCommitteeBlock, decodeMeasurementList, decodeParticipantList, decodeRoundSummary } from './summary-decode.js'

/** Decodes a params or catalogue block; its bytes hash to the link, but may still be anything. */
function decodeBlock(bytes: Uint8Array, code: 'PARAMS_INVALID' | 'CATALOGUE_INVALID', what: string): unknown {
  try {
    return dagCbor.decode(bytes)
  } catch (err) {
    throw new ProtocolError(code, `the ${what} block is not DAG-CBOR: ${(err as Error).message}`)
  }
}

export interface RoundVerification {
  ok: boolean
  summaryCid: string
  /** The summary rebuilt from the measurements; equal to `summaryCid` when `ok`. */
  recomputedCid: string | null
  round: number | null
  network: string | null
  /** One line per problem found, empty when ok. */
  problems: string[]
  /** Notes on what could not be checked offline (e.g. a drand beacon). */
  notes: string[]
  evaluation: RoundEvaluation | null
  /**
   * Version 2: the admission snapshot the summary records (spec §13.7), taken as stated; a caller
   * with a Lotus endpoint checks each participant's deposit at `height`.
   */
  admission: { height: number | null; eligible: string[] } | null
  /** The params the summary's digest names, once they were found and valid. */
  params: ProtocolParams | null
}

/**
 * Re-checks an anchored round from its blocks alone (a CAR export): every block hashes to its CID,
 * the params hash to the summary's digest, the catalogue to its link, every measurement's signature
 * verifies, and evaluating the measurements again rebuilds a byte-identical summary.
 */
export function verifyRoundBlocks(root: CID, blocks: ReadonlyMap<string, Uint8Array>): RoundVerification {
  const problems: string[] = []
  const notes: string[] = []
  const result = (extra: Partial<RoundVerification>): RoundVerification => ({
    ok: false,
    summaryCid: root.toString(),
    recomputedCid: null,
    round: null,
    network: null,
    problems,
    notes,
    evaluation: null,
    admission: null,
    params: null,
    ...extra,
  })
  checkBlockHashes(blocks, problems)
  const get: GetBlock = (cid, what) => {
    const bytes = blocks.get(cid.toString())
    if (!bytes) problems.push(`missing ${what} block ${cid}`)
    return bytes
  }
  const rootBytes = get(root, 'summary')
  // an intact summary block names its round and network even when other blocks were tampered with
  if (!rootBytes || !bytesEqual(cidOfDagCbor(rootBytes).multihash.digest, root.multihash.digest)) return result({})
  const summary = decodeRoundSummary(rootBytes)
  const base: Partial<RoundVerification> = { round: summary.round, network: summary.network }
  if (problems.length > 0) return result(base)

  const rules = readRules(summary, get, problems, notes)
  if (!rules) return result(base)
  const { params, catalogue } = rules
  base.params = params
  const seeds = deriveRoundSeeds(summary.round, summary.randomness)
  const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
  const records = readMeasurements(summary, get, problems)
  const admission = readAdmission(summary, params, get, problems)
  if (problems.length > 0 || admission === undefined) return result(base)
  const snapshot = admission ? { admission: { height: admission.height, eligible: new Set(admission.eligible) } } : {}
  let evaluation: RoundEvaluation
  try {
    // 'verify' checks every signature again
    evaluation = evaluateRound({ params, round: summary.round, seeds, tasks, ...snapshot }, records, { signatures: 'verify' })
  } catch (err) {
    // a snapshot of another height than the round's (spec §13.4)
    if (err instanceof ProtocolError && err.code === 'ADMISSION_SNAPSHOT_INVALID') problems.push(err.message)
    else throw err
    return result(base)
  }
  for (const m of evaluation.measurements) {
    if (m.taskingEvaluation !== 'OK') problems.push(`measurement ${m.cid} is ${m.taskingEvaluation}`)
  }
  const rebuilt = buildRoundSummary(evaluation, {
    params,
    seeds,
    catalogueCid: summary.catalogue,
    previous: summary.previous,
    ...snapshot,
  })
  const recomputedCid = rebuilt.root.cid.toString()
  if (recomputedCid !== root.toString()) problems.push(`the measurements evaluate to summary ${recomputedCid}, not ${root}`)
  if (admission) {
    const at = admission.height === null ? 'no height (the chain was too young)' : `height ${admission.height}`
    notes.push(
      `the deposits of the ${admission.eligible.length} participants listed eligible at ${at} were taken as stated: give a Lotus endpoint (--rpc) to check them`,
    )
  }
  return { ...result({ ...base, recomputedCid, evaluation, admission }), ok: problems.length === 0 }
}

/** A block of the export by CID; a missing one is a problem named after `what` it should hold. */
type GetBlock = (cid: CID, what: string) => Uint8Array | undefined

/** Every block must hash to its CID: the SHA-256 of its bytes is the digest the CID names. */
function checkBlockHashes(blocks: ReadonlyMap<string, Uint8Array>, problems: string[]): void {
  for (const [text, bytes] of blocks) {
    const cid = CID.parse(text)
    if (!bytesEqual(cidOfDagCbor(bytes).multihash.digest, cid.multihash.digest)) problems.push(`block ${text} does not hash to its CID`)
  }
}

/**
 * The rules the round ran under: the params the summary's digest names, the catalogue it links,
 * and, on a local beacon chain, the randomness recomputed. Undefined when one cannot be had.
 */
function readRules(
  summary: RoundSummary,
  get: GetBlock,
  problems: string[],
  notes: string[],
): { params: ProtocolParams; catalogue: Catalogue } | undefined {
  // the rules: params whose digest the summary names, found by that digest
  const paramsBytes = get(cidOfDagCborDigest(fromHex(summary.paramsDigest)), 'params')
  if (!paramsBytes) return undefined
  const params = validateParams(decodeBlock(paramsBytes, 'PARAMS_INVALID', 'params') as ProtocolParams)
  if (paramsDigest(params) !== summary.paramsDigest) problems.push('the params do not hash to the summary digest')
  if (!summary.catalogue) {
    problems.push('the summary names no catalogue: its tasks cannot be derived offline')
    return undefined
  }
  const catalogueBytes = get(summary.catalogue, 'catalogue')
  if (!catalogueBytes) return undefined
  const catalogue = validateCatalogue(decodeBlock(catalogueBytes, 'CATALOGUE_INVALID', 'catalogue') as Catalogue)
  if (params.randomness.type === 'local') {
    if (localBeaconRandomness(params.randomness.genesisSeed, summary.round) !== summary.randomness) {
      problems.push('the randomness is not the local beacon of this round')
    }
  } else notes.push('the drand beacon is not in the export: the round randomness was taken as stated')
  return { params, catalogue }
}

/**
 * Version 2: the admission snapshot the summary records (spec §13.7); null in version 1, and
 * undefined when it cannot be had (a problem says why).
 */
function readAdmission(
  summary: RoundSummary,
  params: ProtocolParams,
  get: GetBlock,
  problems: string[],
): { height: number | null; eligible: string[] } | null | undefined {
  if (params.protocolVersion < 2) {
    if (summary.admission === undefined) return null
    problems.push(`the summary records an admission snapshot, but its params are of protocol version ${params.protocolVersion}`)
    return undefined
  }
  if (summary.admission === undefined) {
    problems.push('the summary of a version-2 round records no admission snapshot (spec §13.7)')
    return undefined
  }
  const bytes = get(summary.admission.eligible, 'eligible list')
  if (!bytes) return undefined
  try {
    return { height: summary.admission.height, eligible: decodeParticipantList(bytes) }
  } catch (err) {
    problems.push((err as Error).message)
    return undefined
  }
}

/** The measurements of every committee the summary links, each checked to be named by its canonical CID. */
function readMeasurements(summary: RoundSummary, get: GetBlock, problems: string[]): MeasurementRecord[] {
  const records: MeasurementRecord[] = []
  for (const link of summary.committees) {
    const committeeBytes = get(link, 'committee')
    if (!committeeBytes) continue
    const committee = decodeCommitteeBlock(committeeBytes)
    const listBytes = get(committee.measurements, 'measurement list')
    if (!listBytes) continue
    for (const cid of decodeMeasurementList(listBytes)) {
      const bytes = get(cid, 'measurement')
      if (!bytes) continue
      const measurement = decodeSignedMeasurement(bytes)
      if (cidText(measurementCid(measurement)) !== cid.toString()) problems.push(`measurement ${cid} is not canonical`)
      records.push({ cid: cid.toString(), measurement })
    }
  }
  return records
}
