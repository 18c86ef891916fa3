import { describe, expect, it } from 'vitest'
import type { RoundOutcome } from '../src/node/anchor/anchor.js'
import { createSummaryChain } from '../src/node/anchor/summary-chain.js'
import { silentLogger } from '../src/node/logger.js'
import { FakeClock } from './helpers/fake-clock.js'
import { GENESIS } from './helpers/node-fixtures.js'

/** Anchoring takes this long on the stub's slow disk (virtual ms). */
const WRITE_MS = 500

/**
 * A stand-in anchoring over a fake clock: a round's summary CID is made of its content (bumped by
 * a catch-up) and the summary the node holds for the round before, as §9 builds it.
 */
function stubAnchoring(clock: FakeClock) {
  const held = new Map<number, string>()
  const content = new Map<number, number>()
  const calls: string[] = []
  const outcome = (round: number): RoundOutcome => {
    const previous = held.get(round - 1) ?? null
    const summaryCid = `s${round}.${content.get(round) ?? 0}<${previous ?? '-'}>`
    held.set(round, summaryCid)
    return {
      round,
      evaluation: { committees: [] } as unknown as RoundOutcome['evaluation'],
      summaryCid,
      previous,
      committees: new Map(),
      attested: new Map(),
      sizes: new Map(),
      memberships: new Map(),
      mine: [],
    }
  }
  return {
    calls,
    held,
    /** What a catch-up pulls: the round's evaluation changes, so its summary CID does. */
    pullMore: (round: number) => content.set(round, (content.get(round) ?? 0) + 1),
    failNext: false,
    async anchorRound(round: number, options: { reanchored?: 'catch-up' } = {}) {
      calls.push(`anchor ${round}${options.reanchored ? ` (${options.reanchored})` : ''}`)
      await clock.sleep(WRITE_MS)
      if (this.failNext) {
        this.failNext = false
        throw new Error('disk full')
      }
      return outcome(round)
    },
    async relinkRound(o: RoundOutcome) {
      calls.push(`relink ${o.round}`)
      await clock.sleep(WRITE_MS)
      return outcome(o.round)
    },
  }
}

function chainWith(clock: FakeClock) {
  const anchoring = stubAnchoring(clock)
  const relinked: RoundOutcome[] = []
  const chain = createSummaryChain({ anchoring, relinked: (o) => relinked.push(o), log: silentLogger })
  return { anchoring, relinked, chain }
}

/** Runs the fake clock until the promise settled, and returns what it resolved with. */
async function settled<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false
  const end = () => {
    done = true
  }
  promise.then(end, end)
  await clock.runUntil(() => done, 60_000)
  return promise
}

describe('the summary chain', () => {
  it('re-links every later anchored round, oldest first, when a round’s summary CID changes', async () => {
    const clock = new FakeClock(GENESIS)
    const t = chainWith(clock)
    for (const r of [0, 1, 2]) await settled(clock, t.chain.anchor(r))
    const before = [0, 1, 2].map((r) => t.chain.summaryOf(r))

    // a catch-up of round 0 took in the network's measurements: round 0's summary changes
    t.anchoring.pullMore(0)
    const outcome = await settled(clock, t.chain.anchor(0, { reanchored: 'catch-up' }))

    expect(outcome.summaryCid).not.toBe(before[0])
    expect(t.anchoring.calls).toEqual(['anchor 0', 'anchor 1', 'anchor 2', 'anchor 0 (catch-up)', 'relink 1', 'relink 2'])
    // each later round now links the summary the node holds for the round before it
    expect(t.relinked.map((o) => [o.round, o.previous])).toEqual([
      [1, t.chain.summaryOf(0)],
      [2, t.chain.summaryOf(1)],
    ])
    for (const r of [1, 2]) expect(t.chain.summaryOf(r)).toBe(t.anchoring.held.get(r))
    expect(t.chain.summaryOf(2)).not.toBe(before[2])
  })

  it('re-links nothing when a re-anchored round keeps its summary CID', async () => {
    const clock = new FakeClock(GENESIS)
    const t = chainWith(clock)
    for (const r of [0, 1]) await settled(clock, t.chain.anchor(r))
    await settled(clock, t.chain.anchor(0, { reanchored: 'catch-up' }))
    expect(t.anchoring.calls).toEqual(['anchor 0', 'anchor 1', 'anchor 0 (catch-up)'])
    expect(t.relinked).toEqual([])
  })

  it('anchors one round at a time in the order asked, and a failed one does not stop the next', async () => {
    const clock = new FakeClock(GENESIS)
    const t = chainWith(clock)
    t.anchoring.failNext = true
    const first = t.chain.anchor(0)
    const second = t.chain.anchor(1)
    await expect(settled(clock, first)).rejects.toThrow('disk full')
    // the second started only after the first ended: one write at a time
    expect(t.anchoring.calls).toEqual(['anchor 0', 'anchor 1'])
    expect((await settled(clock, second)).round).toBe(1)
  })

  it('stop waits for the anchorings queued, including one queued while it waits', async () => {
    const clock = new FakeClock(GENESIS)
    const t = chainWith(clock)
    const done: number[] = []
    void t.chain.anchor(0).then((o) => done.push(o.round))
    let stopped = false
    const stopping = t.chain.stop().then(() => {
      stopped = true
    })
    // a catch-up queues a re-anchoring while stop waits
    void t.chain.anchor(0, { reanchored: 'catch-up' }).then((o) => done.push(o.round))
    await clock.advanceTo(GENESIS + WRITE_MS / 2)
    expect(stopped).toBe(false)
    await clock.runUntil(() => stopped, 60_000)
    await stopping
    expect(done).toEqual([0, 0])
  })
})
