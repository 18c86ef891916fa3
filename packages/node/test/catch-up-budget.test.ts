import type { StationKey } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { fetchesPerAttester } from '../src/node/anchor/fetch-budget.js'
import type { NodeStore } from '../src/store/index.js'
import {
  assignedTo,
  attestation,
  convergenceWith,
  fakeCid,
  foreignBlock,
  outcomeOf,
  ROUND,
  storeMeasurement,
} from './helpers/convergence.js'
import { signedMeasurement } from './helpers/measurements.js'
import { params } from './helpers/node-fixtures.js'

/** Spec §12.7: one attester makes the node fetch at most this many distinct foreign CIDs per round. */
const LIMIT = fetchesPerAttester(params.maxTasksPerNode, 3)

describe('catch-up fetches per attester', () => {
  let open: NodeStore | undefined
  afterEach(() => open?.close())

  it('fetches at most the bound of distinct CIDs one attester names in a round, and still those of others', async () => {
    const { info, task, stations } = await assignedTo(3)
    const [self, greedy, other] = stations as [StationKey, StationKey, StationKey]
    const blocks = new Map<string, Uint8Array>()
    // valid blocks that list only what the node holds: each fetch succeeds and adds nothing, so
    // neither the re-evaluation limit nor the failure limit of the round ever stops them
    const named = Array.from({ length: LIMIT + 2 }, (_, i) => foreignBlock(blocks, info, task, [greedy], i))
    const last = foreignBlock(blocks, info, task, [other])
    const t = convergenceWith(blocks, async () => {
      throw new Error('nothing was new: no re-evaluation')
    })
    open = t.store
    storeMeasurement(t.store, info, signedMeasurement(ROUND, greedy, task))
    storeMeasurement(t.store, info, signedMeasurement(ROUND, other, task))
    t.convergence.anchored(outcomeOf(task, fakeCid(5), [self]))

    for (const block of named) t.convergence.received(attestation(greedy, task, block.cid))
    // a CID it already named is not a new fetch
    t.convergence.received(attestation(greedy, task, (named[0] as (typeof named)[number]).cid))
    // another attester is not held to the first one's bound; queued last, so fetched last
    const done = t.confirmedOf(last.cid)
    t.convergence.received(attestation(other, task, last.cid))
    await done

    const fetchedOf = (cid: string) => t.fetched.filter((c) => c === cid).length
    expect(named.map((b) => fetchedOf(b.cid))).toEqual([...Array(LIMIT).fill(1), 0, 0])
    expect(fetchedOf(last.cid)).toBe(1)
    expect(LIMIT).toBe(params.maxTasksPerNode * 4)
  })
})
