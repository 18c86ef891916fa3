import {
  buildRoundSummary,
  cidOfDagCbor,
  cidText,
  committeeMemberships,
  createInterner,
  decodeSignedMeasurement,
  encodeSignedMeasurement,
  evaluateRound,
  internMeasurement,
  TaskSelector,
  taskId,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import { createAnchoring } from '../src/node/anchor/anchor.js'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { silentLogger } from '../src/node/logger.js'
import type { NodeStore } from '../src/store/index.js'
import { runInSlices } from '../src/util/slices.js'
import { signedMeasurement } from './helpers/measurements.js'
import { catalogue, memoryStore, params, roundsOf, station } from './helpers/node-fixtures.js'
import { stubPubsub } from './helpers/stub-pubsub.js'

const ROUND = 3
const CATALOGUE_CID = cidOfDagCbor(new Uint8Array([0xa0]))

/** A store holding every assigned measurement of `stations` stations in ROUND, one in eleven a 502. */
async function storeWithRound(stations: number) {
  const rounds = roundsOf(station(0))
  const info = await rounds.get(ROUND)
  const store = memoryStore()
  const selector = new TaskSelector(info.tasks, info.seeds.nodeSelection)
  for (let i = 0; i < stations; i++) {
    const key = station(i)
    store.putMeasurements(
      selector.pick(key.stationId, params.maxTasksPerNode).map((task, j) => {
        const m = signedMeasurement(ROUND, key, task)
        const bytes = encodeSignedMeasurement((i + j) % 11 === 0 ? { ...m, statusCode: 502, retrievalResult: 'HTTP_502' } : m)
        return {
          cid: cidText(cidOfDagCbor(bytes)),
          round: ROUND,
          taskId: taskId(task),
          stationId: key.stationId,
          shard: 0,
          bytes,
          origin: 'peer',
        }
      }),
    )
  }
  return { rounds, info, store }
}

describe('round-end evaluation in slices', () => {
  let store: NodeStore | undefined
  afterEach(() => store?.close())

  it('anchors what evaluateRound and buildRoundSummary give over the stored round, and the event loop turns meanwhile', async () => {
    // 700 stations × 4 tasks: 2,800 measurements, a dozen store pages and several merge passes
    const t = await storeWithRound(700)
    store = t.store
    const blocks = new Map<string, Uint8Array>()
    const anchoring = createAnchoring(
      {
        params,
        rounds: t.rounds,
        store,
        blockstore: { put: async (cid: CID, bytes: Uint8Array) => void blocks.set(cid.toString(), bytes) },
        routing: { provide: async () => {} },
        pubsub: stubPubsub(),
        stationKey: station(0),
        events: new TypedEventTarget<CheckerNodeEvents>(),
        log: silentLogger,
        signal: new AbortController().signal,
      },
      { catalogue, catalogueCid: CATALOGUE_CID },
    )
    // what else the node does meanwhile (gossip, the status API): turns of the event loop
    let turns = 0
    let evaluating = true
    const turn = () => {
      turns++
      if (evaluating) setImmediate(turn)
    }
    setImmediate(turn)
    const outcome = await anchoring.anchorRound(ROUND)
    evaluating = false
    await anchoring.stop()

    // the plain path over the same rows: one read, one evaluateRound, one buildRoundSummary
    const intern = createInterner()
    const rows = store.measurementsOfRound(ROUND)
    const records = rows.map((row) => ({ cid: row.cid, measurement: internMeasurement(decodeSignedMeasurement(row.bytes), intern) }))
    const evaluation = evaluateRound({ params, round: ROUND, seeds: t.info.seeds, tasks: t.info.tasks }, records, { signatures: 'trusted' })
    const built = buildRoundSummary(evaluation, { params, seeds: t.info.seeds, catalogueCid: CATALOGUE_CID, previous: null })

    expect(rows.length).toBe(2_800)
    expect(outcome.evaluation).toEqual(evaluation)
    expect(outcome.summaryCid).toBe(built.root.cid.toString())
    expect(outcome.memberships).toEqual(committeeMemberships(evaluation))
    for (const block of built.blocks) expect(blocks.get(block.cid.toString())).toEqual(block.bytes)
    for (const row of rows) expect(blocks.get(row.cid)).toEqual(row.bytes)
    expect(evaluation.committees.some((c) => c.retrievalResult === 'OK')).toBe(true)
    expect(turns).toBeGreaterThan(1)
  })

  it('stops at the next slice when the node stops', async () => {
    const controller = new AbortController()
    function* endless() {
      for (;;) yield
    }
    const running = runInSlices(endless(), controller.signal, 1)
    controller.abort(new Error('node stopping'))
    await expect(running).rejects.toThrow('node stopping')
  })
})
