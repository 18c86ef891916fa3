import { describe, expect, it } from 'vitest'
import { createLimiter } from '../src/util/limiter.js'

describe('createLimiter', () => {
  it('runs at most `concurrency` tasks at once, in order, and a newcomer never takes a slot handed on', async () => {
    const limiter = createLimiter(2)
    let running = 0
    let peak = 0
    const order: number[] = []
    const task = (i: number) => async () => {
      running++
      peak = Math.max(peak, running)
      order.push(i)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
      return i
    }
    const first = Array.from({ length: 5 }, (_, i) => limiter.run(task(i)))
    expect([limiter.running, limiter.waiting]).toEqual([2, 3])
    await first[0]
    // a slot was just handed to task 2: this one waits behind the others
    const late = limiter.run(task(5))
    expect(await Promise.all([...first, late])).toEqual([0, 1, 2, 3, 4, 5])
    expect([peak, order, limiter.running, limiter.waiting]).toEqual([2, [0, 1, 2, 3, 4, 5], 0, 0])
  })

  it('frees the slot of a task that fails', async () => {
    const limiter = createLimiter(1)
    await expect(limiter.run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(await limiter.run(async () => 'next')).toBe('next')
  })
})
