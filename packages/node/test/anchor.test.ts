import {
  cidOfDagCbor,
  cidText,
  decodeAttestation,
  decodeRoundSummary,
  encodeCatalogue,
  encodeSignedMeasurement,
  type RetrievalTask,
  taskId,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import { attestationTopic } from '../src/gossip/index.js'
import { createAnchoring } from '../src/node/anchor/anchor.js'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { silentLogger } from '../src/node/logger.js'
import type { NodeStore } from '../src/store/index.js'
import { storeMeasurement } from './helpers/convergence.js'
import { signedMeasurement } from './helpers/measurements.js'
import { catalogue, memoryStore, params, recordEvents, roundsOf, station } from './helpers/node-fixtures.js'
import { stubPubsub } from './helpers/stub-pubsub.js'

const ROUND = 3
const key = station(0)

/** Another station and one of its tasks of the round that `wanted` accepts. */
function findPeerWithTask(info: { selector: { pick(id: string, k: number): RetrievalTask[] } }, wanted: (t: RetrievalTask) => boolean) {
  for (let i = 1; i < 200; i++) {
    const peerKey = station(i)
    const task = info.selector.pick(peerKey.stationId, params.maxTasksPerNode).find(wanted)
    if (task) return { key: peerKey, task }
  }
  throw new Error('no station has such a task')
}

async function anchoringWithOwnMeasurements() {
  const rounds = roundsOf(key)
  const info = await rounds.get(ROUND)
  const store = memoryStore()
  const cids = new Map<string, string>()
  for (const task of info.mine) {
    const bytes = encodeSignedMeasurement(signedMeasurement(ROUND, key, task))
    const cid = cidText(cidOfDagCbor(bytes))
    cids.set(taskId(task), cid)
    const shard = info.shards.get(taskId(task)) as number
    store.recordOwnMeasurement({ round: ROUND, taskId: taskId(task), cid, stationId: key.stationId, shard, bytes })
  }
  const blocks = new Map<string, Uint8Array>()
  const provided: string[] = []
  const pubsub = stubPubsub()
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const recorded = recordEvents(events, ['summary:anchored', 'round:evaluated'])
  const controller = new AbortController()
  const anchoring = createAnchoring(
    {
      params,
      rounds,
      store,
      blockstore: { put: (cid: CID, bytes: Uint8Array) => void blocks.set(cid.toString(), bytes) },
      routing: { provide: async (cid: CID) => void provided.push(cid.toString()) },
      pubsub,
      stationKey: key,
      events,
      log: silentLogger,
      signal: controller.signal,
    },
    { catalogue, catalogueCid: cidOfDagCbor(new Uint8Array([0xa0])) },
  )
  return { info, store, cids, blocks, provided, pubsub, events: recorded, anchoring }
}

describe('anchoring a round', () => {
  let store: NodeStore | undefined
  afterEach(() => store?.close())

  it('shares the catalogue: its block into the blockstore and its CID provided, the own one or an announced one', async () => {
    const t = await anchoringWithOwnMeasurements()
    store = t.store
    await t.anchoring.shareCatalogue()
    // the fixture's anchoring names a stand-in CID for its catalogue: the block goes under the CID given
    expect(t.blocks.get(cidOfDagCbor(new Uint8Array([0xa0])).toString())).toEqual(encodeCatalogue(catalogue))
    const announced = { entries: catalogue.entries.slice(1) }
    const announcedCid = cidOfDagCbor(encodeCatalogue(announced))
    await t.anchoring.shareCatalogue({ catalogue: announced, catalogueCid: announcedCid })
    await t.anchoring.stop()
    expect(t.blocks.get(announcedCid.toString())).toEqual(encodeCatalogue(announced))
    expect(t.provided).toEqual([cidOfDagCbor(new Uint8Array([0xa0])).toString(), announcedCid.toString()])
  })

  it('puts the summary and every measurement into the blockstore, provides the summary and marks the round anchored', async () => {
    const t = await anchoringWithOwnMeasurements()
    store = t.store
    const outcome = await t.anchoring.anchorRound(ROUND)
    await t.anchoring.stop()

    expect(t.store.roundState(ROUND)).toMatchObject({ state: 'anchored', summaryCid: outcome.summaryCid })
    expect(t.events.of('summary:anchored')).toEqual([
      { round: ROUND, summaryCid: outcome.summaryCid, attested: Object.fromEntries(outcome.attested) },
    ])
    const summary = decodeRoundSummary(t.blocks.get(outcome.summaryCid) as Uint8Array)
    expect(summary.round).toBe(ROUND)
    // the measurements travel as stored: the same bytes under the same CID
    for (const row of t.store.measurementsOfRound(ROUND)) expect(t.blocks.get(row.cid)).toEqual(new Uint8Array(row.bytes))
    expect(t.provided).toContain(outcome.summaryCid)
  })

  it('provides the summary and the committee blocks it attests, not the committees of other tasks (spec §12.6)', async () => {
    const t = await anchoringWithOwnMeasurements()
    store = t.store
    // a peer's measurement of a task this node was not given: a committee of its summary, not its own
    const mine = new Set(t.info.mine.map(taskId))
    const peer = findPeerWithTask(t.info, (task) => !mine.has(taskId(task)))
    storeMeasurement(t.store, t.info, signedMeasurement(ROUND, peer.key, peer.task))
    const outcome = await t.anchoring.anchorRound(ROUND)
    await t.anchoring.stop()
    const built = decodeRoundSummary(t.blocks.get(outcome.summaryCid) as Uint8Array)
    expect(built.committees).toHaveLength(mine.size + 1)
    expect([...t.provided].sort()).toEqual([outcome.summaryCid, ...outcome.attested.values()].sort())
    expect(outcome.attested.size).toBe(mine.size)
  })

  it("attests the committee block of each of the node's own tasks on that committee's attestation topic", async () => {
    const t = await anchoringWithOwnMeasurements()
    store = t.store
    const outcome = await t.anchoring.anchorRound(ROUND)

    expect([...outcome.attested.keys()].sort()).toEqual(t.info.mine.map(taskId).sort())
    expect(t.pubsub.published.map((p) => p.topic)).toEqual(
      t.info.mine.map((task) => attestationTopic(params, t.info.shards.get(taskId(task)) as number)),
    )
    for (const { bytes } of t.pubsub.published) {
      const attestation = decodeAttestation(bytes)
      const id = taskId(attestation.task)
      expect(attestation.stationId).toBe(key.stationId)
      expect(attestation.committee.toString()).toBe(outcome.attested.get(id))
      // the attested committee block is one of the anchored blocks, and provided
      expect(t.blocks.has(attestation.committee.toString())).toBe(true)
      expect(t.provided).toContain(attestation.committee.toString())
      // and it is in the store, where convergence counts it
      expect(t.store.attestationsOf(ROUND, id)).toEqual([{ stationId: key.stationId, committeeCid: attestation.committee.toString() }])
    }
    for (const c of outcome.evaluation.committees) expect(outcome.sizes.get(taskId(c.task))).toBe(1)
  })

  it('re-links an anchored round over a changed previous summary: a new root, the same committees, nothing attested again', async () => {
    const t = await anchoringWithOwnMeasurements()
    store = t.store
    const outcome = await t.anchoring.anchorRound(ROUND)
    const published = t.pubsub.published.length
    // the round before was re-anchored meanwhile (a catch-up): the node now holds another summary of it
    const previous = cidText(cidOfDagCbor(new Uint8Array([0xa1, 0x61, 0x70, 0x01])))
    t.store.setRoundState(ROUND - 1, 'anchored', previous)

    const relinked = await t.anchoring.relinkRound(outcome)

    expect(relinked.summaryCid).not.toBe(outcome.summaryCid)
    expect(relinked.previous).toBe(previous)
    const summary = decodeRoundSummary(t.blocks.get(relinked.summaryCid) as Uint8Array)
    expect(summary.previous?.toString()).toBe(previous)
    expect(summary.committees.map(String)).toEqual(
      decodeRoundSummary(t.blocks.get(outcome.summaryCid) as Uint8Array).committees.map(String),
    )
    expect(t.store.roundState(ROUND)).toMatchObject({ state: 'anchored', summaryCid: relinked.summaryCid })
    expect(t.provided).toContain(relinked.summaryCid)
    expect(t.pubsub.published.length).toBe(published)
    expect(t.events.of('summary:anchored').at(-1)).toEqual({
      round: ROUND,
      summaryCid: relinked.summaryCid,
      attested: Object.fromEntries(outcome.attested),
      reanchored: 'relink',
    })
  })
})
