import { describe, expect, it } from 'vitest'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { createVersionCheck } from '../src/node/version-gate.js'
import { recordEvents } from './helpers/node-fixtures.js'

function checkWith(gate: () => Promise<{ outdated: boolean; minCheckerVersion?: string }>) {
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const recorded = recordEvents(events, ['outdated', 'activity'])
  let asked = 0
  const check = createVersionCheck(
    { events },
    {
      checkerVersion: '0.1.0',
      gate: {
        gate: async () => {
          asked++
          return (await gate()) as { outdated: true } | { outdated: false }
        },
      },
    },
  )
  return { check, events: recorded, asked: () => asked }
}

describe('version check', () => {
  it('says outdated once, with the minimum version, and stops asking', async () => {
    const t = checkWith(async () => ({ outdated: true, minCheckerVersion: '0.2.0' }))
    expect(t.check.mayWork()).toBe(true)
    await t.check.check()
    await t.check.check()
    expect(t.check.outdated).toBe(true)
    expect(t.check.mayWork()).toBe(false)
    expect(t.events.of('outdated')).toEqual([
      {
        checkerVersion: '0.1.0',
        minCheckerVersion: '0.2.0',
        message: 'this checker (0.1.0) is outdated: update to 0.2.0 or later. It does no more work until then.',
      },
    ])
    expect(t.asked()).toBe(1)
  })

  it('keeps working, and warns, when the tracker cannot be reached', async () => {
    const t = checkWith(async () => {
      throw new Error('connect ECONNREFUSED')
    })
    await t.check.check()
    expect(t.check.mayWork()).toBe(true)
    expect(t.events.of('activity')).toEqual([
      { level: 'warn', message: 'the tracker cannot be reached, working on the params we have: connect ECONNREFUSED' },
    ])
  })

  it('without a gate the node is never outdated', async () => {
    const check = createVersionCheck({ events: new TypedEventTarget<CheckerNodeEvents>() }, { checkerVersion: '0.1.0' })
    await check.check()
    expect(check.mayWork()).toBe(true)
  })
})
