import { describe, expect, it } from 'vitest'
import { committeeBlockMembership, countConfirmation } from '../src/index.js'

const block = { network: 'n', round: 7, task: { cid: 'bafytask', minerId: 'f01' }, size: 3 }
const listed = (stationId: string, over: Partial<{ network: string; round: number; taskId: string; participant: string }> = {}) => ({
  stationId,
  network: 'n',
  round: 7,
  taskId: 'bafytask::f01',
  ...over,
})

describe('confirmation by membership (spec §12.6)', () => {
  it("counts only members, against the block's size", () => {
    const membership = { size: 3, members: new Set(['a', 'b', 'c']) }
    expect(countConfirmation(membership, ['a', 'x', 'y', 'z'])).toEqual({ attesters: 1, confirmed: false })
    expect(countConfirmation(membership, ['a', 'b'])).toEqual({ attesters: 2, confirmed: true })
    // one station is one attester, however often it is named
    expect(countConfirmation(membership, ['a', 'a'])).toEqual({ attesters: 1, confirmed: false })
    expect(countConfirmation({ size: 0, members: new Set() }, ['a'])).toEqual({ attesters: 0, confirmed: false })
  })

  it("takes a foreign block's members from the listed measurements of its network, round and task", () => {
    const membership = committeeBlockMembership(block, 3, [
      listed('a'),
      listed('b', { round: 6 }),
      listed('c', { taskId: 'bafyother::f01' }),
      listed('d', { network: 'm' }),
    ])
    expect(membership).toEqual({ size: 3, members: new Set(['a']) })
  })

  it('counts nobody for a block whose size is not the length of its own list', () => {
    expect(committeeBlockMembership({ ...block, size: 1 }, 3, [listed('a'), listed('b'), listed('c')])).toBeUndefined()
  })

  it('version 2: counts nobody for a block that lists two measurements of one participant', () => {
    // one deposit behind three bound stations, each measuring the participant's task: the
    // evaluation labels two of them DUPLICATE, so only a forged block lists all three
    const p = `0x${'ab'.repeat(20)}`
    const forged = [listed('a', { participant: p }), listed('b', { participant: p }), listed('c', { participant: p })]
    expect(committeeBlockMembership(block, 3, forged)).toBeUndefined()
    const honest = [listed('a', { participant: p }), listed('b', { participant: `0x${'cd'.repeat(20)}` }), listed('c')]
    expect(committeeBlockMembership(block, 3, honest)).toEqual({ size: 3, members: new Set(['a', 'b', 'c']) })
    // a measurement of another task does not count against the block, whoever it is for
    expect(
      committeeBlockMembership(block, 3, [listed('a', { participant: p }), listed('b', { participant: p, taskId: 'x::f01' })]),
    ).toEqual({
      size: 3,
      members: new Set(['a']),
    })
  })
})
