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
import { decodeCommitteeBlock, decodeMeasurementList, decodeRoundSummary } from './summary-decode.js'

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
  const base = { round: summary.round, network: summary.network }
  if (problems.length > 0) return result(base)

  const rules = readRules(summary, get, problems, notes)
  if (!rules) return result(base)
  const { params, catalogue } = rules
  const seeds = deriveRoundSeeds(summary.round, summary.randomness)
  const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
  const records = readMeasurements(summary, get, problems)
  if (problems.length > 0) return result(base)
  // 'verify' checks every signature again
  const evaluation = evaluateRound({ params, round: summary.round, seeds, tasks }, records, { signatures: 'verify' })
  for (const m of evaluation.measurements) {
    if (m.taskingEvaluation !== 'OK') problems.push(`measurement ${m.cid} is ${m.taskingEvaluation}`)
  }
  const rebuilt = buildRoundSummary(evaluation, { params, seeds, catalogueCid: summary.catalogue, previous: summary.previous })
  const recomputedCid = rebuilt.root.cid.toString()
  if (recomputedCid !== root.toString()) problems.push(`the measurements evaluate to summary ${recomputedCid}, not ${root}`)
  return { ...result({ ...base, recomputedCid, evaluation }), ok: problems.length === 0 }
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
