import { describe, expect, it } from 'vitest'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { createVersionCheck } from '../src/node/version-gate.js'
import { recordEvents } from './helpers/node-fixtures.js'

function checkWith(gate: () => Promise<{ outdated: boolean; minCheckerVersion?: string }>) {
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const recorded = recordEvents(events, ['outdated', 'version:accepted', 'activity'])
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
  it('says outdated once per verdict, naming the required version, and keeps asking', async () => {
    const t = checkWith(async () => ({ outdated: true, minCheckerVersion: '0.2.0' }))
    expect(t.check.mayWork()).toBe(true)
    await t.check.check()
    await t.check.check()
    await t.check.check()
    expect(t.check.outdated).toBe(true)
    expect(t.check.mayWork()).toBe(false)
    const message =
      'the network requires 0.2.0 or later; this checker is 0.1.0: update spark-swarm to 0.2.0 or later. It does no work until the network accepts it again.'
    expect(t.events.of('outdated')).toEqual([{ checkerVersion: '0.1.0', minCheckerVersion: '0.2.0', message }])
    // one line for the operator, with the code apps branch on
    expect(t.events.of('activity')).toEqual([{ level: 'error', message, code: 'OUTDATED_CLIENT' }])
    // asked at every round: a node turned away must notice when it is let back in
    expect(t.asked()).toBe(3)
  })

  it('resumes when the gate accepts the checker again, and is turned away again after that', async () => {
    let verdict: { outdated: boolean; minCheckerVersion?: string } = { outdated: true, minCheckerVersion: '0.2.0' }
    const t = checkWith(async () => verdict)
    await t.check.check()
    expect(t.check.mayWork()).toBe(false)
    verdict = { outdated: false, minCheckerVersion: '0.1.0' }
    await t.check.check()
    await t.check.check()
    expect(t.check.outdated).toBe(false)
    expect(t.check.mayWork()).toBe(true)
    expect(t.events.of('version:accepted')).toEqual([
      {
        checkerVersion: '0.1.0',
        minCheckerVersion: '0.1.0',
        message: 'the network accepts this checker (0.1.0) again (its minimum is now 0.1.0): back to work from this round',
      },
    ])
    verdict = { outdated: true }
    await t.check.check()
    expect(t.check.mayWork()).toBe(false)
    expect(t.events.of('outdated').map((d) => d.message)).toEqual([
      expect.stringContaining('the network requires 0.2.0 or later'),
      'the network turned this checker away as outdated; this checker is 0.1.0: update spark-swarm. It does no work until the network accepts it again.',
    ])
  })

  it('an unreachable gate changes nothing: an outdated node stays outdated', async () => {
    let up = true
    const t = checkWith(async () => {
      if (!up) throw new Error('connect ECONNREFUSED')
      return { outdated: true, minCheckerVersion: '0.2.0' }
    })
    await t.check.check()
    up = false
    await t.check.check()
    expect(t.check.mayWork()).toBe(false)
    expect(t.events.of('outdated')).toHaveLength(1)
    expect(t.events.of('version:accepted')).toEqual([])
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
