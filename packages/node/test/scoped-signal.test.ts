import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { scopedSignal } from '../src/index.js'

describe('scopedSignal', () => {
  it('aborts with the reason of the first parent that aborts', () => {
    const a = new AbortController()
    const b = new AbortController()
    const scope = scopedSignal([a.signal, undefined, b.signal])
    expect(scope.signal.aborted).toBe(false)
    b.abort(new Error('b stopped'))
    expect(scope.signal.reason).toEqual(new Error('b stopped'))
    // it let go of the other parent when it aborted
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0)
  })

  it('starts aborted when a parent already is', () => {
    const scope = scopedSignal([AbortSignal.abort(new Error('already'))], 10)
    expect(scope.signal.reason).toEqual(new Error('already'))
  })

  it('aborts with a TimeoutError after timeoutMs', async () => {
    const scope = scopedSignal([], 20)
    await new Promise((resolve) => scope.signal.addEventListener('abort', resolve, { once: true }))
    expect((scope.signal.reason as DOMException).name).toBe('TimeoutError')
  })

  it('leaves nothing on a long-lived parent once cleared', async () => {
    const lifetime = new AbortController()
    for (let i = 0; i < 100; i++) scopedSignal([lifetime.signal], 1_000).clear()
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(0)
    // cleared: neither the parent nor the timeout reaches it any more
    const scope = scopedSignal([lifetime.signal], 10)
    scope.clear()
    await new Promise((resolve) => setTimeout(resolve, 30))
    lifetime.abort()
    expect(scope.signal.aborted).toBe(false)
  })
})
