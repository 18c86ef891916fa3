/*
 * Retrieval checks against the devnet's fake providers on 127.0.0.1 (they run in this process,
 * so their serving cost is included): throughput against a healthy provider, and what a stalled
 * or slow provider costs. The event-loop delay is sampled throughout: a check must never block it.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { startOutsideWorld } from '../packages/devnet/dist/index.js'
import { createRetrievalChecker, createStaticMinerResolver } from '../packages/node/dist/index.js'
import { printTable } from './table.js'

const CHECKS = Number(process.env.BENCH_CHECKS ?? 600)
const CONCURRENCY = 8
const IDLE_MS = 1_000
const HARD_MS = 4_000

const world = await startOutsideWorld({
  seed: 'bench retrieval',
  blocksPerProvider: 50,
  providers: [
    { minerId: 'f05000', profile: { kind: 'healthy' } },
    { minerId: 'f05001', profile: { kind: 'stall-mid-body', afterBytes: 64 } },
    { minerId: 'f05002', profile: { kind: 'slow-first-byte', delayMs: 10 * IDLE_MS } },
  ],
})
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

try {
  const checker = createRetrievalChecker(
    { idleTimeoutMs: IDLE_MS, hardTimeoutMs: HARD_MS, headTimeoutMs: 2_000, concurrency: CONCURRENCY },
    { minerResolver: createStaticMinerResolver(world.catalogue.entries), indexerUrl: world.ipniUrl },
  )
  const blocksOf = (minerId) => world.blocks.filter((b) => b.minerId === minerId)

  async function run(minerId, count) {
    const blocks = blocksOf(minerId)
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const durations = []
    const results = new Map()
    const began = performance.now()
    // CONCURRENCY workers, each checking one task after another: durations are service times
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const block = blocks[next++ % blocks.length]
          const t = performance.now()
          const outcome = await checker.check({ cid: block.cid.toString(), minerId })
          durations.push(performance.now() - t)
          const code = outcome.kind === 'measurement' ? outcome.fields.retrievalResult : outcome.reason
          results.set(code, (results.get(code) ?? 0) + 1)
        }
      }),
    )
    const wall = performance.now() - began
    loop.disable()
    return { wall, durations, results, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 }
  }

  // warm-up, not reported
  await run('f05000', 50)
  const healthy = await run('f05000', CHECKS)
  const stalled = await run('f05001', CONCURRENCY)
  const slow = await run('f05002', CONCURRENCY)
  const codes = (r) => [...r.results].map(([k, v]) => `${k}×${v}`).join(' ')
  printTable(
    `4. Retrieval checks on loopback (concurrency ${CONCURRENCY}, no-progress limit ${IDLE_MS} ms, hard limit ${HARD_MS} ms)`,
    ['Provider', 'Checks', 'Results', 'Checks/s', 'p50', 'p99', 'max', 'Loop delay p99', 'Loop delay max'],
    [healthy, stalled, slow].map((r, i) => [
      ['healthy', 'stalls mid-body', `first byte after ${10 * IDLE_MS} ms`][i],
      r.durations.length,
      codes(r),
      ((r.durations.length * 1000) / r.wall).toFixed(0),
      `${percentile(r.durations, 50).toFixed(0)} ms`,
      `${percentile(r.durations, 99).toFixed(0)} ms`,
      `${Math.max(...r.durations).toFixed(0)} ms`,
      `${r.loopP99Ms.toFixed(1)} ms`,
      `${r.loopMaxMs.toFixed(1)} ms`,
    ]),
    'lrlrrrrrr',
  )
  console.log(
    `   A stalled or slow provider costs its no-progress limit (${IDLE_MS} ms) plus the HEAD probe, never the hard limit; checks run on loopback with the fakes in-process.`,
  )
} finally {
  await world.stop()
}
