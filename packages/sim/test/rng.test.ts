import { SeededStream } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { deriveSeed, Rng } from '../src/index.js'

describe('Rng', () => {
  it('is the protocol SeededStream (SHA-256 counter mode), word for word', () => {
    const seed = deriveSeed('s', 1)
    const ours = new Rng(seed)
    const theirs = new SeededStream(seed)
    for (let i = 0; i < 100; i++) expect(ours.nextUint32()).toBe(theirs.nextUint32())
    for (const n of [1, 2, 3, 7, 1000, 2 ** 31 + 5]) expect(ours.int(n)).toBe(theirs.nextInt(n))
  })

  it('draws reproducibly from derived seeds', () => {
    const a = Rng.for('scenario', 'outcomes', 3)
    const b = Rng.for('scenario', 'outcomes', 3)
    const c = Rng.for('scenario', 'outcomes', 4)
    const xs = Array.from({ length: 20 }, () => a.random())
    expect(Array.from({ length: 20 }, () => b.random())).toEqual(xs)
    expect(Array.from({ length: 20 }, () => c.random())).not.toEqual(xs)
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true)
  })

  it('int, chance, pick, shuffle and weighted behave', () => {
    const rng = Rng.for('dist')
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < 40_000; i++) {
      const k = rng.int(4)
      counts[k] = (counts[k] ?? 0) + 1
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400)
    let hits = 0
    for (let i = 0; i < 20_000; i++) if (rng.chance(0.3)) hits++
    expect(Math.abs(hits / 20_000 - 0.3)).toBeLessThan(0.015)
    expect(rng.chance(0)).toBe(false)
    expect(rng.chance(1)).toBe(true)
    expect(['a', 'b', 'c']).toContain(rng.pick(['a', 'b', 'c']))
    const list = Array.from({ length: 50 }, (_, i) => i)
    const shuffled = rng.shuffle([...list])
    expect(shuffled).not.toEqual(list)
    expect([...shuffled].sort((x, y) => x - y)).toEqual(list)
    const w = [0, 0]
    for (let i = 0; i < 10_000; i++) {
      const k = rng.weighted([1, 4])
      w[k] = (w[k] ?? 0) + 1
    }
    expect(Math.abs((w[0] as number) / 10_000 - 0.25)).toBeLessThan(0.02)
    expect(() => rng.int(0)).toThrow(RangeError)
    expect(() => new Rng('xyz')).toThrow(RangeError)
  })
})
