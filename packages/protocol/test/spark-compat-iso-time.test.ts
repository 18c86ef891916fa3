import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoUtcMillis } from '../src/spark-compat/iso-time.js'

const pad = (n: number, width: number) => String(n).padStart(width, '0')

describe('isoUtcMillis', () => {
  it('reads every published timestamp as new Date does, and leaves the rest to it', () => {
    const published = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`)
    // near misses: one character changed
    const mutated = fc
      .tuple(published, fc.nat(23), fc.constantFrom('x', ' ', '+', '-', '9', 'z', '٣'))
      .map(([t, i, c]) => t.slice(0, i) + c + t.slice(i + 1))
    fc.assert(
      fc.property(fc.oneof(published, mutated, fc.string()), (text) => {
        const fast = isoUtcMillis(text)
        if (fast !== undefined) expect(fast).toBe(new Date(text).getTime())
      }),
      { numRuns: 5000 },
    )
  })

  it('takes the timestamps Spark published', () => {
    expect(isoUtcMillis('2025-03-01T12:01:37.424Z')).toBe(Date.parse('2025-03-01T12:01:37.424Z'))
    expect(isoUtcMillis('2025-03-01 12:01:37.424Z')).toBeUndefined()
  })

  it('reads runs of one day and days in turn as new Date does (the day is remembered between calls)', () => {
    const days = ['2025-03-01', '2025-03-02', '2024-02-28', '2025-03-01']
    const times = ['00:00:00.000', '12:01:37.424', '23:59:59.999', '07:30:00.001']
    const texts = days.flatMap((day) => [...times, ...times].map((time) => `${day}T${time}Z`))
    for (const text of [...texts, ...texts.reverse()]) expect(isoUtcMillis(text)).toBe(new Date(text).getTime())
  })
})
