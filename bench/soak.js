/*
 * Soak (issue 7, resource safety; not part of CI): a whole swarm on 127.0.0.1 in this process
 * (devnet providers, IPNI and chain RPC, SOAK_NODES checker nodes) runs short rounds for
 * SOAK_MINUTES. Every SOAK_SAMPLE_SECONDS it samples this process's RSS, its heap after a full GC
 * and its external (Buffer) memory, its open file descriptors and active handles, the rounds
 * anchored and the measurements and blocks the nodes keep. At the end: the table, and the growth of each over the second half
 * (least-squares slope), when the stores have reached their retention and nothing should grow.
 *
 *   npm run soak                                  # 30 minutes
 *   SOAK_MINUTES=3 SOAK_SAMPLE_SECONDS=15 npm run soak
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { DEMO_PROVIDERS, startSwarm } from '../packages/devnet/dist/index.js'
import { printTable } from './table.js'

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30)
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60)
const NODES = Number(process.env.SOAK_NODES ?? 6)
const ROUND_SECONDS = Number(process.env.SOAK_ROUND_SECONDS ?? 10)
/** Rounds of rows the nodes keep: small, so the stores reach their steady size within the first half. */
const RETAIN_ROUNDS = Number(process.env.SOAK_RETAIN_ROUNDS ?? 6)
/** Growth over the second half above these is reported as growth (per minute). */
const LIMITS = { rssMB: 2, heapMB: 0.5, fds: 0.5, handles: 0.5 }

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')
const MB = 1024 * 1024

function heapAfterGc() {
  let last = Number.POSITIVE_INFINITY
  for (let i = 0; i < 4; i++) {
    gc()
    const used = process.memoryUsage().heapUsed
    if (used > last * 0.99) return used
    last = used
  }
  return process.memoryUsage().heapUsed
}

function directoryBytes(dir) {
  let bytes = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) bytes += directoryBytes(path)
    else {
      try {
        bytes += statSync(path).size
      } catch {
        // removed while we looked
      }
    }
  }
  return bytes
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length
  if (n < 2) return Number.NaN
  const mx = points.reduce((a, p) => a + p.x, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0)
  return sxx === 0 ? Number.NaN : points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx
}

console.error(
  `soak: ${NODES} nodes, ${ROUND_SECONDS} s rounds, ${RETAIN_ROUNDS} rounds retained, ${MINUTES} min, a sample every ${SAMPLE_SECONDS} s`,
)
const swarm = await startSwarm({
  nodes: NODES,
  seed: 'soak',
  providers: DEMO_PROVIDERS,
  blocksPerProvider: 3,
  params: { roundDurationMs: ROUND_SECONDS * 1000, gracePeriodMs: Math.min(2_000, (ROUND_SECONDS * 1000) / 4) },
  node: { retainRounds: RETAIN_ROUNDS },
})
const anchored = swarm.nodes.map(() => new Set())
const errors = []
swarm.nodes.forEach((node, i) => {
  node.addEventListener('summary:anchored', (e) => anchored[i].add(e.detail.round))
  node.addEventListener('activity', (e) => {
    if (e.detail.level === 'error') errors.push(e.detail.message)
  })
})

const began = performance.now()
const samples = []
function sample() {
  const statuses = swarm.nodes.map((n) => n.status())
  const memory = process.memoryUsage()
  samples.push({
    minutes: (performance.now() - began) / 60_000,
    rss: memory.rss,
    heap: heapAfterGc(),
    // Buffers and other memory V8 tracks outside its heap (after the same GC)
    external: process.memoryUsage().external,
    fds: readdirSync('/proc/self/fd').length,
    handles: process.getActiveResourcesInfo().length,
    anchoredMin: Math.min(...anchored.map((s) => s.size)),
    anchoredMax: Math.max(...anchored.map((s) => s.size)),
    measurements: statuses.reduce((a, s) => a + s.store.measurements, 0),
    sqliteBytes: statuses.reduce((a, s) => a + s.store.bytes, 0),
    blockBytes: swarm.nodes.reduce((a, _, i) => a + directoryBytes(join(swarm.dataDir, `node-${i}`, 'blocks')), 0),
    peers: Math.min(...statuses.map((s) => s.peers)),
  })
  const s = samples.at(-1)
  console.error(
    `  ${s.minutes.toFixed(1)} min: rss ${(s.rss / MB).toFixed(0)} MB, heap ${(s.heap / MB).toFixed(1)} MB, fds ${s.fds}, handles ${s.handles}, ` +
      `anchored ${s.anchoredMin}–${s.anchoredMax}, measurements ${s.measurements}`,
  )
}

try {
  sample()
  const end = began + MINUTES * 60_000
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(SAMPLE_SECONDS * 1000, end - performance.now())))
    sample()
  }
} finally {
  await swarm.stop()
}

printTable(
  `Soak: ${NODES} nodes in one process, ${ROUND_SECONDS} s rounds, ${RETAIN_ROUNDS} rounds retained, ${MINUTES} min`,
  [
    'Minute',
    'RSS',
    'Heap after GC',
    'External',
    'Open fds',
    'Handles',
    'Rounds anchored',
    'Measurements kept',
    'SQLite',
    'Blocks on disk',
    'Min peers',
  ],
  samples.map((s) => [
    s.minutes.toFixed(1),
    `${(s.rss / MB).toFixed(0)} MB`,
    `${(s.heap / MB).toFixed(1)} MB`,
    `${(s.external / MB).toFixed(1)} MB`,
    s.fds,
    s.handles,
    s.anchoredMin === s.anchoredMax ? s.anchoredMin : `${s.anchoredMin}–${s.anchoredMax}`,
    s.measurements,
    `${(s.sqliteBytes / MB).toFixed(1)} MB`,
    `${(s.blockBytes / MB).toFixed(1)} MB`,
    s.peers,
  ]),
  'rrrrrrrrrrr',
)

const second = samples.filter((s) => s.minutes >= MINUTES / 2)
const per = (key, scale = 1) => slope(second.map((s) => ({ x: s.minutes, y: s[key] / scale })))
const verdicts = [
  ['RSS', per('rss', MB), LIMITS.rssMB, 'MB'],
  ['heap after GC', per('heap', MB), LIMITS.heapMB, 'MB'],
  ['external', per('external', MB), LIMITS.heapMB, 'MB'],
  ['open fds', per('fds'), LIMITS.fds, ''],
  ['active handles', per('handles'), LIMITS.handles, ''],
  ['measurements kept', per('measurements'), Number.POSITIVE_INFINITY, ''],
  ['blocks on disk', per('blockBytes', MB), Number.POSITIVE_INFINITY, 'MB'],
]
console.log(`\n   Growth over the second half (${second.length} samples, least-squares slope per minute):`)
for (const [name, perMinute, limit, unit] of verdicts) {
  const verdict = Number.isNaN(perMinute)
    ? 'too few samples'
    : !Number.isFinite(limit)
      ? 'reported only'
      : perMinute > limit
        ? 'GROWING'
        : 'flat'
  console.log(
    `   ${name.padEnd(18)} ${Number.isNaN(perMinute) ? '—' : `${perMinute >= 0 ? '+' : ''}${perMinute.toFixed(2)}${unit ? ` ${unit}` : ''}/min`}  ${verdict}`,
  )
}
console.log(
  `   Verdict: ${verdicts.some(([, v, l]) => Number.isFinite(l) && v > l) ? 'GROWTH (see above)' : 'no growth of memory, fds or handles'}; ` +
    `blocks on disk grow by design (the helia blockstore is never pruned). Errors reported by nodes: ${errors.length}`,
)
for (const message of [...new Set(errors)].slice(0, 5)) console.log(`   error: ${message}`)
