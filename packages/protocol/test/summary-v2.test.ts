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
  encodeCatalogue,
  encodeSignedMeasurement,
  evaluateRound,
  type MeasurementRecord,
  measurementRecord,
  ProtocolError,
  sampleRoundTasks,
  verifyRoundBlocks,
} from '../src/index.js'
import { testStation } from './helpers.js'
import { assignedBound, type TestParticipant, testParticipant, v2Params, v2Round } from './helpers-v2.js'

/*
 * A version-2 summary records its admission snapshot (spec §13.7): the height and the members'
 * participants, so that `verifyRoundBlocks` re-checks the round from its blocks alone.
 */

const params = v2Params({ tasksPerRound: 6, maxTasksPerNode: 2, minCommitteeSize: 1, committeeShards: 1 })
const admissionParams = params.admission as AdmissionParams
const catalogue: Catalogue = {
  entries: Array.from({ length: 8 }, (_, i) => ({ cid: `bafyv2summary${i}`, minerId: `f0${1000 + (i % 2)}` })),
}
const [one, two, three, outsider] = [1, 2, 3, 4].map(testParticipant) as [
  TestParticipant,
  TestParticipant,
  TestParticipant,
  TestParticipant,
]
const base = v2Round(params, [], [one, two, three], 40)
const ctx = { ...base, tasks: sampleRoundTasks(catalogue, base.seeds, params.tasksPerRound) }
const { seeds } = ctx
const snapshot = ctx.admission as AdmissionSnapshot
const height = snapshot.height as number

/** Participant `who` checks its own tasks from a station of its own. */
const measurementsOf = (who: TestParticipant, i: number): MeasurementRecord[] =>
  assignedBound(ctx, testStation(i), who).map(measurementRecord)
const funded = [one, two, three].map(measurementsOf)
const unfunded = measurementsOf(outsider, 4)
const participantOf = (records: MeasurementRecord[]) => records[0]?.measurement.participant as string

/** The round as an export holds it: summary blocks, params, catalogue and the members' measurements. */
function exportOf(admission: AdmissionSnapshot | undefined, records = [...funded.flat(), ...unfunded]) {
  const evaluation = evaluateRound({ ...ctx, admission }, records)
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
