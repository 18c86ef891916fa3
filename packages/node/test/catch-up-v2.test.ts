import { cidOfDagCbor, cidText, encodeSignedMeasurement, type RetrievalTask, type StationKey, signMeasurement } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { pullMembers } from '../src/node/anchor/catch-up.js'
import { silentLogger } from '../src/node/logger.js'
import type { RoundInfo } from '../src/node/round/rounds.js'
import type { NodeStore } from '../src/store/index.js'
import { assignedTo, okCommitteeBlock, ROUND, rounds, storeMeasurement } from './helpers/convergence.js'
import { memoryStore, okFields, params } from './helpers/node-fixtures.js'

/*
 * Spec §12.6 in version 2: catch-up reads a foreign committee block's members, and a block that
 * lists two measurements of one participant (one deposit behind several bound stations) has
 * none, so that its stations' attestations confirm nothing.
 */

const v2 = { ...params, protocolVersion: 2 }
const participant = (i: number) => `0x${i.toString(16).padStart(40, '0')}`

/** A version-2 measurement of `task` by `key` for `who` (catch-up checks CID, round and signature, not bindings). */
function measurementFor(key: StationKey, task: RetrievalTask, who: string) {
  return signMeasurement(
    {
      protocolVersion: 2,
      network: v2.network,
      round: ROUND,
      task: { cid: task.cid, minerId: task.minerId },
      stationId: key.stationId,
      participant: who,
      bindingFromRound: 0,
      bindingSignature: new Uint8Array(65).fill(1),
      inetGroup: `inet-${key.stationId.slice(-6)}`,
      checkerVersion: '0.1.0',
      ...okFields(ROUND),
    },
    key,
  )
}

/** A committee block listing the measurements, the first `stored` of them already in the store, the rest only in `blocks`. */
function blockOf(s: NodeStore, info: RoundInfo, task: RetrievalTask, measurements: ReturnType<typeof measurementFor>[], stored: number) {
  const blocks = new Map<string, Uint8Array>()
  const cids = measurements.map((m, i) => {
    if (i < stored) return storeMeasurement(s, info, m).cid
    const bytes = encodeSignedMeasurement(m)
    const cid = cidText(cidOfDagCbor(bytes))
    blocks.set(cid, bytes)
    return cid
  })
  return { cid: okCommitteeBlock(blocks, info, task, cids, { rules: v2 }), blocks }
}

function pull(s: NodeStore, blocks: Map<string, Uint8Array>, cid: string) {
  const source = { get: (c: { toString(): string }) => [blocks.get(c.toString()) as Uint8Array] }
  return pullMembers({ params: v2, rounds, store: s, blocks: source, log: silentLogger, signal: new AbortController().signal }, ROUND, cid)
}

describe('catch-up of a version-2 committee block', () => {
  let store: NodeStore | undefined
  afterEach(() => store?.close())

  it('has no members when it lists two measurements of one participant, stored or fetched', async () => {
    const { info, task, stations } = await assignedTo(3)
    store = memoryStore()
    // one participant behind three stations: one measurement stored here, two fetched
    const forged = blockOf(
      store,
      info,
      task,
      stations.map((key) => measurementFor(key, task, participant(7))),
      1,
    )
    const pulled = await pull(store, forged.blocks, forged.cid)
    expect(pulled?.added).toBe(true)
    expect(pulled?.membership).toBeUndefined()
  })

  it('has its stations as members when each measurement is of another participant', async () => {
    const { info, task, stations } = await assignedTo(3)
    store = memoryStore()
    const honest = blockOf(
      store,
      info,
      task,
      stations.map((key, i) => measurementFor(key, task, participant(i + 1))),
      2,
    )
    const pulled = await pull(store, honest.blocks, honest.cid)
    expect(pulled?.membership).toEqual({ size: 3, members: new Set(stations.map((k) => k.stationId)) })
  })
})
