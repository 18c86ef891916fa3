import { type StationKey, taskId } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
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
import { waitFor } from './helpers/wait-for.js'

/*
 * Spec §12.6: an attestation of block X counts only if its station is a member of X (one of the
 * measurements X lists), and X is confirmed against X's own size, not the node's.
 */

const nothingToCatchUp = async () => {
  throw new Error('nothing to catch up')
}

describe('confirmation by membership', () => {
  let open: NodeStore | undefined
  afterEach(() => open?.close())

  it('does not count an attester that was assigned the task but is not a member of the block; counts a member', async () => {
    // four stations assigned the task; the node's block lists three of them
    const { task, stations } = await assignedTo(4)
    const [self, member, , outsider] = stations as [StationKey, StationKey, StationKey, StationKey]
    const t = convergenceWith(new Map(), nothingToCatchUp)
    open = t.store
    const ours = fakeCid(1)
    t.convergence.received(attestation(self, task, ours))
    t.convergence.anchored(outcomeOf(task, ours, stations.slice(0, 3)))

    // assigned, validly signed, but no measurement of it in the block: 1 member of 3 attested
    t.convergence.received(attestation(outsider, task, ours))
    expect(t.convergence.isConfirmed(ROUND, taskId(task), ours)).toBe(false)
    expect(t.events.of('committee:confirmed')).toEqual([])

    t.convergence.received(attestation(member, task, ours))
    expect(t.events.of('committee:confirmed')).toEqual([
      { round: ROUND, task: { cid: task.cid, minerId: task.minerId }, committeeCid: ours, attesters: 2, members: 3 },
    ])
  })

  it("compares with the size of the attested block, not with the node's own committee size", async () => {
    const { info, task, stations } = await assignedTo(6)
    const [self, a, b, c, d, e] = stations as [StationKey, StationKey, StationKey, StationKey, StationKey, StationKey]
    const blocks = new Map<string, Uint8Array>()
    // another node saw three measurements (a, b, c); this node saw five (itself, a, b, d, e), all stored
    const theirs = foreignBlock(blocks, info, task, [a, b, c])
    const t = convergenceWith(blocks, nothingToCatchUp)
    open = t.store
    for (const m of theirs.measurements) storeMeasurement(t.store, info, m)
    const ours = fakeCid(2)
    t.convergence.anchored(outcomeOf(task, ours, [self, a, b, d, e]))

    // two of the block's three members attest it: a majority of 3, not of 5
    const confirmed = t.confirmedOf(theirs.cid)
    t.convergence.received(attestation(a, task, theirs.cid))
    t.convergence.received(attestation(b, task, theirs.cid))
    expect(await confirmed).toEqual({
      round: ROUND,
      task: { cid: task.cid, minerId: task.minerId },
      committeeCid: theirs.cid,
      attesters: 2,
      members: 3,
    })
    // catch-up fetched the block and its list, and found every listed measurement in the store
    expect(t.fetched.filter((cid) => cid === theirs.cid)).toHaveLength(1)
  })

  it('counts attestations stored before the block was known once catch-up fetched it', async () => {
    const { info, task, stations } = await assignedTo(6)
    const [self, a, b, c, d, e] = stations as [StationKey, StationKey, StationKey, StationKey, StationKey, StationKey]
    const blocks = new Map<string, Uint8Array>()
    const theirs = foreignBlock(blocks, info, task, [a, b, c])
    const t = convergenceWith(blocks, nothingToCatchUp)
    open = t.store
    for (const m of theirs.measurements) storeMeasurement(t.store, info, m)
    // a and b attested the other block before this node anchored (2 of the node's own 3, too)
    t.convergence.received(attestation(a, task, theirs.cid))
    t.convergence.received(attestation(b, task, theirs.cid))
    const confirmed = t.confirmedOf(theirs.cid)
    t.convergence.anchored(outcomeOf(task, fakeCid(3), [self, d, e]))
    // its members are not known yet: nothing counts
    expect(t.convergence.isConfirmed(ROUND, taskId(task), theirs.cid)).toBe(false)
    expect(t.events.of('committee:confirmed')).toEqual([])

    // anchoring noticed the differing CID; once catch-up fetched the block, the stored two count
    expect(await confirmed).toMatchObject({ committeeCid: theirs.cid, attesters: 2, members: 3 })
    expect(t.convergence.isConfirmed(ROUND, taskId(task), theirs.cid)).toBe(true)
  })

  it('never confirms a block whose members it cannot learn', async () => {
    const { info, task, stations } = await assignedTo(4)
    const [self, a, b, c] = stations as [StationKey, StationKey, StationKey, StationKey]
    const blocks = new Map<string, Uint8Array>()
    const theirs = foreignBlock(blocks, info, task, [a, b, c])
    // nobody serves the block: catch-up fails, and the attesters' word alone confirms nothing
    blocks.delete(theirs.cid)
    const t = convergenceWith(blocks, nothingToCatchUp)
    open = t.store
    t.convergence.anchored(outcomeOf(task, fakeCid(4), [self]))
    for (const key of [a, b, c]) t.convergence.received(attestation(key, task, theirs.cid))
    await waitFor(() => t.fetched.includes(theirs.cid), 'a fetch of the block')
    // the failed fetch settles in the same task as the attempt; one more turn to be sure
    await new Promise((resolve) => setImmediate(resolve))
    expect(t.events.of('committee:confirmed')).toEqual([])
    expect(t.convergence.isConfirmed(ROUND, taskId(task), theirs.cid)).toBe(false)
  })
})
