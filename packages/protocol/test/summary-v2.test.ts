import * as dagCbor from '@ipld/dag-cbor'
import { describe, expect, it } from 'vitest'
import {
  type AdmissionParams,
  type AdmissionSnapshot,
  buildRoundSummary,
  type Catalogue,
  cidOfDagCbor,
  decodeParticipantList,
  decodeRoundSummary,
  deriveRoundSeeds,
  eligibilityHeight,
  encodeCatalogue,
  encodeSignedMeasurement,
  evaluateRound,
  localBeaconRandomness,
  type MeasurementRecord,
  ProtocolError,
  type ProtocolParams,
  participantOfPrivateKey,
  presets,
  type RetrievalTask,
  retrievalResultOf,
  roundStartTime,
  sampleRoundTasks,
  sha256,
  signBinding,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
  verifyRoundBlocks,
} from '../src/index.js'

/*
 * A version-2 summary records its admission snapshot (spec §13.7): the height and the members'
 * participants, so that `verifyRoundBlocks` re-checks the round from its blocks alone.
 */

const params: ProtocolParams = { ...presets['devnet-v2'], tasksPerRound: 6, maxTasksPerNode: 2, minCommitteeSize: 1, committeeShards: 1 }
const admissionParams = params.admission as AdmissionParams
const ROUND = 40
const catalogue: Catalogue = {
  entries: Array.from({ length: 8 }, (_, i) => ({ cid: `bafyv2summary${i}`, minerId: `f0${1000 + (i % 2)}` })),
}
const seeds = deriveRoundSeeds(ROUND, localBeaconRandomness((params.randomness as { genesisSeed: string }).genesisSeed, ROUND))
const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
const height = eligibilityHeight(admissionParams, roundStartTime(params, ROUND)) as number

/** Participant `i` checks its own tasks from a station bound to it. */
function participantMeasurements(i: number): MeasurementRecord[] {
  const wallet = sha256(`summary v2 participant ${i}`)
  const participant = participantOfPrivateKey(wallet)
  const key = stationKeyFromSeed(sha256(`summary v2 station ${i}`))
  const bindingSignature = signBinding({ network: params.network, participant, stationId: key.stationId, fromRound: 1 }, wallet)
  const start = roundStartTime(params, ROUND) + 100
  return new TaskSelector(tasks, seeds.nodeSelection).pick(participant, params.maxTasksPerNode).map((task: RetrievalTask) => {
    const fields = {
      protocolVersion: 2,
      network: params.network,
      round: ROUND,
      task,
      stationId: key.stationId,
      participant,
      bindingFromRound: 1,
      bindingSignature,
      inetGroup: '127.0.0.0/24',
      checkerVersion: '0.1.0',
      indexerResult: 'OK',
      protocol: 'http',
      providerId: '12D3KooWC8gXxg9LoJ9h3hy3jzBkEAxamyHEQJKtRmAuBuvoMzpr',
      providerAddress: '/ip4/127.0.0.1/tcp/8080/http',
      statusCode: 200,
      headStatusCode: 200,
      timeout: false,
      carTooLarge: false,
      byteLength: 1024,
      carChecksum: `1220${'ab'.repeat(32)}`,
      startAt: start,
      firstByteAt: start + 20,
      endAt: start + 40,
      retrievalResult: '',
    }
    fields.retrievalResult = retrievalResultOf(fields)
    const measurement = signMeasurement(fields, key)
    return { cid: cidOfDagCbor(encodeSignedMeasurement(measurement)).toString(), measurement }
  })
}

const funded = [1, 2, 3].map(participantMeasurements)
const unfunded = participantMeasurements(4)
const participantOf = (records: MeasurementRecord[]) => records[0]?.measurement.participant as string
const snapshot: AdmissionSnapshot = { height, eligible: new Set(funded.map(participantOf)) }

/** The round as an export holds it: summary blocks, params, catalogue and the members' measurements. */
function exportOf(admission: AdmissionSnapshot | undefined, records = [...funded.flat(), ...unfunded]) {
  const evaluation = evaluateRound({ params, round: ROUND, seeds, tasks, ...(admission ? { admission } : {}) }, records)
  const catalogueBytes = encodeCatalogue(catalogue)
  const built = buildRoundSummary(evaluation, {
    params,
    seeds,
    catalogueCid: cidOfDagCbor(catalogueBytes),
    previous: null,
    ...(admission ? { admission } : {}),
  })
  const blocks = new Map<string, Uint8Array>()
  const add = (bytes: Uint8Array) => blocks.set(cidOfDagCbor(bytes).toString(), bytes)
  for (const b of built.blocks) add(b.bytes)
  add(dagCbor.encode(params))
  add(catalogueBytes)
  for (const r of records) add(encodeSignedMeasurement(r.measurement))
  return { built, blocks, evaluation }
}

/** The export with its root replaced by `change(root)`, re-encoded: a summary that claims something else. */
function withRoot(blocks: Map<string, Uint8Array>, rootBytes: Uint8Array, change: (root: Record<string, unknown>) => void) {
  const root = dagCbor.decode(rootBytes) as Record<string, unknown>
  change(root)
  const bytes = dagCbor.encode(root)
  const out = new Map(blocks)
  out.set(cidOfDagCbor(bytes).toString(), bytes)
  return { root: cidOfDagCbor(bytes), blocks: out }
}

describe('the summary of a version-2 round (spec §13.7)', () => {
  it('records the height and exactly the participants of the committee members, sorted', () => {
    const { built } = exportOf(snapshot)
    const summary = decodeRoundSummary(built.root.bytes)
    expect(summary.version).toBe(2)
    expect(summary.admission?.height).toBe(height)
    const list = built.blocks.find((b) => b.cid.equals(summary.admission?.eligible))
    const listed = decodeParticipantList(list?.bytes as Uint8Array)
    // the unfunded participant is NOT_ELIGIBLE, so it is in no committee and not listed
    expect(listed).toEqual(funded.map(participantOf).sort())
    // committee blocks keep version 1: their format did not change
    expect((dagCbor.decode(built.blocks[1]?.bytes as Uint8Array) as { version: number }).version).toBe(1)
  })

  it('does not depend on eligible participants whose measurements are in no committee', () => {
    const wider = { height, eligible: new Set([...snapshot.eligible, '0x'.padEnd(42, 'f')]) }
    expect(exportOf(wider).built.root.cid.toString()).toBe(exportOf(snapshot).built.root.cid.toString())
  })

  it('verifies offline from its blocks, noting that the deposits were taken as stated', () => {
    const { built, blocks } = exportOf(snapshot)
    const result = verifyRoundBlocks(built.root.cid, blocks)
    expect(result.problems).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.admission).toEqual({ height, eligible: funded.map(participantOf).sort() })
    expect(result.notes.join('\n')).toMatch(/deposits of the 3 participants listed eligible at height \d+ were taken as stated/)
  })

  it('fails verification when the list names a participant that no member checked for', () => {
    const { built, blocks } = exportOf(snapshot)
    const listBytes = dagCbor.encode([...funded.map(participantOf), participantOf(unfunded)].sort())
    const forged = withRoot(blocks, built.root.bytes, (root) => {
      ;(root.admission as { eligible: unknown }).eligible = cidOfDagCbor(listBytes)
    })
    forged.blocks.set(cidOfDagCbor(listBytes).toString(), listBytes)
    const result = verifyRoundBlocks(forged.root, forged.blocks)
    expect(result.ok).toBe(false)
    expect(result.problems.join('\n')).toMatch(/evaluate to summary .*, not /)
  })

  it('fails verification when the list leaves out a member, or records another height', () => {
    const { built, blocks } = exportOf(snapshot)
    const shortBytes = dagCbor.encode(funded.slice(1).map(participantOf).sort())
    const short = withRoot(blocks, built.root.bytes, (root) => {
      ;(root.admission as { eligible: unknown }).eligible = cidOfDagCbor(shortBytes)
    })
    short.blocks.set(cidOfDagCbor(shortBytes).toString(), shortBytes)
    expect(verifyRoundBlocks(short.root, short.blocks).problems.join('\n')).toMatch(/is NOT_ELIGIBLE/)

    const moved = withRoot(blocks, built.root.bytes, (root) => {
      ;(root.admission as { height: number }).height = height - admissionParams.windowEpochs
    })
    expect(verifyRoundBlocks(moved.root, moved.blocks).problems.join('\n')).toMatch(/eligibility height is \d+, the snapshot is of height/)
  })

  it('a version-2 root without admission, and a version-1 root with one, are refused', () => {
    const { built, blocks } = exportOf(snapshot)
    const stripped = withRoot(blocks, built.root.bytes, (root) => {
      delete root.admission
    })
    expect(() => decodeRoundSummary(stripped.blocks.get(stripped.root.toString()) as Uint8Array)).toThrow(/must hold admission/)
    const relabelled = withRoot(blocks, built.root.bytes, (root) => {
      root.version = 1
    })
    expect(() => decodeRoundSummary(relabelled.blocks.get(relabelled.root.toString()) as Uint8Array)).toThrow(
      /version-1 summary has no admission/,
    )
  })

  it('building a version-2 summary without the snapshot is an error, not a summary that says nothing', () => {
    const { evaluation } = exportOf(snapshot)
    expect(() => buildRoundSummary(evaluation, { params, seeds, catalogueCid: null, previous: null })).toThrow(ProtocolError)
  })

  it('the eligible list must be participants in ascending order without repeats', () => {
    const [a, b] = funded.map(participantOf).sort() as [string, string]
    expect(decodeParticipantList(dagCbor.encode([a, b]))).toEqual([a, b])
    for (const bad of [[b, a], [a, a], [a.toUpperCase()], ['f410fabc'], {}]) {
      expect(() => decodeParticipantList(dagCbor.encode(bad))).toThrow(expect.objectContaining({ code: 'PARTICIPANT_LIST_MALFORMED' }))
    }
  })
})
