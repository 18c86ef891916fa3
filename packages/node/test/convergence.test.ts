import {
  buildRoundSummary,
  cidOfDagCbor,
  cidText,
  encodeSignedMeasurement,
  evaluateRound,
  type StationKey,
  taskId,
} from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeStore } from '../src/store/index.js'
import { assignedTo, attestation, convergenceWith, node, outcomeOf, ROUND, storeMeasurement } from './helpers/convergence.js'
import { signedMeasurement } from './helpers/measurements.js'
import { params } from './helpers/node-fixtures.js'

/** The node's first task of the round and two other stations assigned the same task: a committee of three. */
async function committeeOfThree() {
  const { info, task, stations } = await assignedTo(3)
  return { info, task, members: stations }
}

describe('convergence', () => {
  let open: NodeStore | undefined
  afterEach(() => open?.close())

  it('confirms a committee once a strict majority of its members attest the same CID', async () => {
    const { task, members } = await committeeOfThree()
    const t = convergenceWith(new Map(), async () => {
      throw new Error('nothing to catch up')
    })
    open = t.store
    const ours = cidOfDagCbor(new Uint8Array([1])).toString()
    const id = taskId(task)
    // our own attestation, stored when we anchored
    t.store.putAttestation({ round: ROUND, taskId: id, stationId: node.stationId, committeeCid: ours, bytes: new Uint8Array([1]) })
    t.convergence.anchored(outcomeOf(task, ours, members))
    // one of three is no majority
    expect(t.events.of('committee:confirmed')).toEqual([])
    expect(t.convergence.isConfirmed(ROUND, id, ours)).toBe(false)

    t.convergence.received(attestation(members[1] as StationKey, task, ours))
    expect(t.events.of('committee:confirmed')).toEqual([
      { round: ROUND, task: { cid: task.cid, minerId: task.minerId }, committeeCid: ours, attesters: 2, members: 3 },
    ])
    expect(t.convergence.isConfirmed(ROUND, id, ours)).toBe(true)

    // a third attestation confirms nothing new
    t.convergence.received(attestation(members[2] as StationKey, task, ours))
    expect(t.events.of('committee:confirmed')).toHaveLength(1)
    expect(t.convergence.recent(1).map((o) => o.round)).toEqual([ROUND])
  })

  it('pulls the measurements it lacks when a member attests another committee block, and evaluates the round again', async () => {
    const { info, task, members } = await committeeOfThree()
    const measurements = members.map((key) => signedMeasurement(ROUND, key, task))
    // the other member's view: all three measurements, anchored as a summary whose blocks it serves
    const records = measurements.map((m) => {
      const bytes = encodeSignedMeasurement(m)
      return { cid: cidText(cidOfDagCbor(bytes)), measurement: m, bytes }
    })
    const evaluation = evaluateRound({ params, round: ROUND, seeds: info.seeds, tasks: info.tasks }, records)
    const built = buildRoundSummary(evaluation, { params, seeds: info.seeds, catalogueCid: null, previous: null })
    const blocks = new Map<string, Uint8Array>()
    for (const block of built.blocks) blocks.set(block.cid.toString(), block.bytes)
    for (const r of records) blocks.set(r.cid, r.bytes)
    const theirs = built.committees.get(taskId(task))?.cid.toString() as string

    let reanchored: (round: number) => void = () => {}
    const evaluatedAgain = new Promise<number>((resolve) => {
      reanchored = resolve
    })
    const ours = cidOfDagCbor(new Uint8Array([2])).toString()
    const t = convergenceWith(blocks, async (round) => {
      reanchored(round)
      return outcomeOf(task, theirs, members)
    })
    open = t.store
    // this node holds two of the three measurements
    for (const m of measurements.slice(0, 2)) storeMeasurement(t.store, info, m)
    const missing = records[2] as (typeof records)[number]
    expect(t.store.hasMeasurement(missing.cid)).toBe(false)

    t.convergence.anchored(outcomeOf(task, ours, members))
    t.convergence.received(attestation(members[2] as StationKey, task, theirs))

    expect(await evaluatedAgain).toBe(ROUND)
    expect(t.store.hasMeasurement(missing.cid)).toBe(true)
    const pulled = t.store.measurementsOfRound(ROUND).find((row) => row.cid === missing.cid)
    expect(new Uint8Array(pulled?.bytes as Uint8Array)).toEqual(missing.bytes)
    expect(t.events.of('activity').map((a) => a.message)).toContain(
      `round ${ROUND}: pulled missing measurements of 1 committee block(s), evaluating again`,
    )
  })
})
