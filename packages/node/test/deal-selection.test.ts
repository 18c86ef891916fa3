import { describe, expect, it } from 'vitest'
import { payloadCidOfLabel } from '../src/catalogue/deal-label.js'
import { judgeDeal, selectDeals } from '../src/catalogue/deal-selection.js'

const V1 = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const V1_BASE36 = 'k2cwuedmosc65hhh0bee97q5jx3fe55tiyqzep8vgds83agps9dof3da'
const V0 = 'QmYjtig7VJQ6XsnUjqqJvj7QaMcCAwtrgNdahSiFofrE7o'
const HEAD = 1000

function deal(label: unknown, over: { provider?: unknown; end?: unknown; start?: unknown; slash?: unknown } = {}) {
  return {
    Proposal: { Provider: over.provider ?? 'f01000', Label: label, EndEpoch: over.end ?? 2000, PieceCID: { '/': 'baga' } },
    State: { SectorStartEpoch: over.start ?? 10, SlashEpoch: over.slash ?? -1 },
  }
}

describe('payload CIDs of deal labels', () => {
  it('keeps CIDv0 as Qm… and writes CIDv1 in base32', () => {
    expect(payloadCidOfLabel(V0)).toEqual({ cid: V0 })
    expect(payloadCidOfLabel(V1)).toEqual({ cid: V1 })
    expect(payloadCidOfLabel(V1_BASE36)).toEqual({ cid: V1 })
  })

  it('drops empty labels, text, near-CIDs and non-strings', () => {
    expect(payloadCidOfLabel('')).toEqual({ drop: 'label-empty' })
    for (const label of ['hello', 'QmNotReallyACid', ` ${V1}`, `${V1}x`, 42, null, undefined]) {
      expect(payloadCidOfLabel(label)).toEqual({ drop: 'label-not-cid' })
    }
  })
})

describe('deal selection', () => {
  it('drops slashed, not yet active, expired and malformed deals, first rule first', () => {
    expect(judgeDeal(deal(V1), HEAD)).toEqual({ task: { cid: V1, minerId: 'f01000' } })
    expect(judgeDeal(deal(V1, { slash: 900, start: -1 }), HEAD)).toEqual({ drop: 'slashed' })
    expect(judgeDeal(deal(V1, { start: -1 }), HEAD)).toEqual({ drop: 'not-active' })
    expect(judgeDeal(deal(V1, { end: HEAD }), HEAD)).toEqual({ drop: 'expired' })
    expect(judgeDeal(deal(V1, { end: HEAD + 1 }), HEAD)).toEqual({ task: { cid: V1, minerId: 'f01000' } })
    expect(judgeDeal(deal('', { end: HEAD }), HEAD)).toEqual({ drop: 'expired' })
    for (const bad of [null, 7, {}, { Proposal: {} }, deal(V1, { provider: 1 }), deal(V1, { end: '2000' }), deal(V1, { slash: -2 })]) {
      expect(judgeDeal(bad, HEAD)).toEqual({ drop: 'malformed' })
    }
  })

  it('keeps one task per (cid, miner), sorted, whatever the order of the map', () => {
    const deals = { 3: deal(V1, { provider: 'f02' }), 1: deal(V1_BASE36, { provider: 'f02' }), 2: deal(V0), 4: deal(V1) }
    const reversed = Object.fromEntries(Object.entries(deals).reverse())
    const expected = {
      dealsRead: 4,
      tasks: [
        { cid: V0, minerId: 'f01000' },
        { cid: V1, minerId: 'f01000' },
        { cid: V1, minerId: 'f02' },
      ],
      dropped: { duplicate: 1 },
    }
    expect(selectDeals(deals, HEAD)).toEqual(expected)
    expect(selectDeals(reversed, HEAD)).toEqual(expected)
  })
})
