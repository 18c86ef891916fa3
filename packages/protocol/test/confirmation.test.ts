import { describe, expect, it } from 'vitest'
import { committeeBlockMembership, countConfirmation } from '../src/index.js'

const block = { network: 'n', round: 7, task: { cid: 'bafytask', minerId: 'f01' }, size: 3 }
const listed = (stationId: string, over: Partial<{ network: string; round: number; taskId: string }> = {}) => ({
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
})
