import { getEventListeners, setMaxListeners } from 'node:events'
import { readdirSync } from 'node:fs'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { createRetrievalChecker, createStaticMinerResolver } from '@spark-swarm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Resource safety (issue 7): a node runs checks for months, so a check must leave nothing open
// behind it, whatever the provider did. 1,000 real checks over HTTP on 127.0.0.1 against
// providers that answer, fail, lie, stall and refuse; then the process's open file descriptors
// and active handles must come back to where they were. The fake providers run in this process,
// so a socket the checker forgets shows up twice (its end and the provider's).
const CHECKS = 1_000
const CONCURRENCY = 32
const IDLE_MS = 400
const HARD_MS = 2_000
/** Descriptors or handles above the baseline still tolerated after settling (timers of the test runner, a late socket). */
const SLACK = 6

const PROVIDERS = [
  { minerId: 'f07000', profile: { kind: 'healthy' } },
  { minerId: 'f07001', profile: { kind: 'http-5xx', status: 503 } },
  { minerId: 'f07002', profile: { kind: 'wrong-bytes' } },
  { minerId: 'f07003', profile: { kind: 'stall-mid-body', afterBytes: 40 } },
  { minerId: 'f07004', profile: { kind: 'slow-first-byte', delayMs: 5_000 } },
  { minerId: 'f07005', profile: { kind: 'refuse' } },
  { minerId: 'f07006', profile: { kind: 'oversized', bytes: 512 * 1024 } },
] as const
const EXPECTED: Record<string, string> = {
  f07000: 'OK',
  f07001: 'HTTP_503',
  f07002: 'CONTENT_VERIFICATION_FAILED',
  f07003: 'TIMEOUT',
  f07004: 'TIMEOUT',
  f07005: 'CONNECTION_REFUSED',
  f07006: 'CAR_TOO_LARGE',
}

let world: OutsideWorld

beforeAll(async () => {
  world = await startOutsideWorld({
    seed: 'retrieval fds',
    blocksPerProvider: 3,
    providers: PROVIDERS.map((p) => ({ ...p, profile: { ...p.profile } })),
  })
}, 30_000)

afterAll(async () => {
  await world?.stop()
})

const openFds = () => readdirSync('/proc/self/fd').length
const activeHandles = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `probe()` is at most `limit` (keep-alive sockets close a few seconds after their last use). */
async function settle(probe: () => number, limit: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  let value = probe()
  while (value > limit && performance.now() < deadline) {
    await sleep(100)
    value = probe()
  }
  return value
}

describe('resource safety of retrieval checks', () => {
  it(`${CHECKS} checks against healthy, failing, lying, stalling and refusing providers leave no descriptor or handle behind`, async () => {
    const checker = createRetrievalChecker(
      {
        idleTimeoutMs: IDLE_MS,
        hardTimeoutMs: HARD_MS,
        headTimeoutMs: IDLE_MS,
        maxBytes: 64 * 1024,
        concurrency: CONCURRENCY,
        ipni: { retries: 0 },
      },
      { minerResolver: createStaticMinerResolver(world.catalogue.entries), indexerUrl: world.ipniUrl },
    )
    // like a node: one long-lived signal handed to every check
    const lifetime = new AbortController()
    setMaxListeners(Number.POSITIVE_INFINITY, lifetime.signal)
    // Node 20's AbortSignal.any() leaves every composite registered on its sources for good: one
    // made of the lifetime signal is memory lost for the life of the node
    const any = AbortSignal.any
    let composedOnLifetime = 0
    AbortSignal.any = (signals) => {
      if ([...signals].includes(lifetime.signal)) composedOnLifetime++
      return any.call(AbortSignal, signals)
    }
    const tasks = world.catalogue.entries
    const baseline = { fds: openFds(), handles: activeHandles() }

    let peakFds = baseline.fds
    const sampler = setInterval(() => {
      peakFds = Math.max(peakFds, openFds())
    }, 20)
    const results = new Map<string, Map<string, number>>()
    const began = performance.now()
    let next = 0
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY * 2 }, async () => {
          while (next < CHECKS) {
            const task = tasks[next++ % tasks.length]!
            const outcome = await checker.check(task, { signal: lifetime.signal })
            const code = outcome.kind === 'measurement' ? outcome.fields.retrievalResult : outcome.reason
            const byProvider = results.get(task.minerId) ?? new Map<string, number>()
            byProvider.set(code, (byProvider.get(code) ?? 0) + 1)
            results.set(task.minerId, byProvider)
          }
        }),
      )
    } finally {
      clearInterval(sampler)
      AbortSignal.any = any
    }
    const wallMs = performance.now() - began
    const after = { fds: openFds(), handles: activeHandles() }
    const settled = {
      fds: await settle(openFds, baseline.fds + SLACK, 10_000),
      handles: await settle(activeHandles, baseline.handles + SLACK, 5_000),
    }
    console.log(
      `${CHECKS} checks in ${(wallMs / 1000).toFixed(1)} s; open fds: baseline ${baseline.fds}, peak ${peakFds}, ` +
        `right after ${after.fds}, settled ${settled.fds}; active handles: baseline ${baseline.handles}, ` +
        `right after ${after.handles}, settled ${settled.handles}`,
    )

    // the measurement itself sees sockets: the peak is well above the baseline
    expect(peakFds).toBeGreaterThan(baseline.fds + CONCURRENCY / 2)
    expect(settled.fds).toBeLessThanOrEqual(baseline.fds + SLACK)
    expect(settled.handles).toBeLessThanOrEqual(baseline.handles + SLACK)
    // and nothing stays attached to the caller's long-lived signal
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(0)
    expect(composedOnLifetime).toBe(0)
    // the checks really happened, and each provider gave its own outcome (a loaded machine may
    // turn the odd fast answer into a TIMEOUT)
    expect(checker.counts.measurement).toBe(CHECKS)
    for (const [minerId, byCode] of results) {
      const total = [...byCode.values()].reduce((a, b) => a + b, 0)
      expect(byCode.get(EXPECTED[minerId] as string) ?? 0, `${minerId}: ${[...byCode]}`).toBeGreaterThanOrEqual(0.9 * total)
    }
  }, 30_000)
})
