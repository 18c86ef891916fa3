/*
 * `spark-swarm evaluate --spark-compat` against the parse-only floor (issue 14, target 1), on an
 * easy round (one participant address, 1,000 tasks) and on a round shaped like Spark's mainnet
 * (bench/mainnet-round.js), each a whole CLI process timed from outside, best of BENCH_REPEAT runs.
 * The target holds only on the mainnet-shaped round: ≤ 1.5 × the floor, peak RSS ≤ 400 MB.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { MAINNET_SHAPE, writeMainnetRound } from './mainnet-round.js'
import { printTable } from './table.js'

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3)
const TARGET_RATIO = 1.5
const TARGET_RSS_MB = 400
// Spark's own evaluator on such a round, as the issue measured it (spark-evaluate, Node 20): ≈ 23 s
const SPARK_PUBLISHED_S = 23

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const BIN = here('../packages/cli/dist/bin.js')
const RSS = here('./rss-at-exit.js')
const FLOOR = here('./parse-floor.js')

/** Runs `node --import rss-at-exit.js <args>`, stdout discarded; wall ms and peak RSS (MB). */
function timed(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', RSS, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const ms = performance.now() - started
      const kb = Number(/bench-max-rss-kb (\d+)/.exec(stderr)?.[1] ?? Number.NaN)
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))
      else resolve({ ms, rssMb: (kb * 1024) / 1e6 })
    })
  })
}

async function best(args) {
  let out
  for (let i = 0; i < REPEAT; i++) {
    const r = await timed(args)
    if (!out || r.ms < out.ms) out = r
  }
  return out
}

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`
const int = (n) => Math.round(n).toLocaleString('en-US')
const progress = (text) => process.stderr.write(`[bench spark-compat] ${text}\n`)

const dir = mkdtempSync(join(tmpdir(), 'spark-swarm-bench-spark-'))
try {
  const shapes = [
    ['easy (1 participant, 1,000 tasks)', { ...MAINNET_SHAPE, stations: 16_700, tasks: 1_000, participants: 1 }],
    ['mainnet-shaped', MAINNET_SHAPE],
  ]
  const rows = []
  for (const [label, shape] of shapes) {
    const sub = join(dir, label.split(' ')[0])
    rmSync(sub, { recursive: true, force: true })
    progress(`writing the ${label} round`)
    mkdirSync(sub)
    const round = writeMainnetRound(sub, { seed: 7, shape })
    progress(`${int(round.lines)} lines, ${int(round.bytes / 1e6)} MB, ${int(round.participants)} participant addresses: floor`)
    const floor = await best([FLOOR, round.file])
    progress('evaluate --spark-compat')
    const ours = await best([BIN, 'evaluate', '--spark-compat', '--round', round.roundFile, round.file])
    const ratio = ours.ms / floor.ms
    const isTarget = label === 'mainnet-shaped'
    rows.push([
      label,
      int(round.lines),
      int(round.participants),
      secs(floor.ms),
      secs(ours.ms),
      `${ratio.toFixed(2)} ×`,
      `${int(ours.rssMb)} MB`,
      isTarget
        ? `≤ ${TARGET_RATIO} ×, ≤ ${TARGET_RSS_MB} MB: ${ratio <= TARGET_RATIO && ours.rssMb <= TARGET_RSS_MB ? 'PASS' : 'FAIL'}`
        : '(easy: no target)',
      isTarget ? `Spark ≈ ${SPARK_PUBLISHED_S} s (${(SPARK_PUBLISHED_S / (ours.ms / 1000)).toFixed(1)} × ours)` : '',
    ])
  }
  printTable(
    `Spark-compat evaluation vs the parse-only floor (node ${process.version}, ${availableParallelism()} CPUs, best of ${REPEAT})`,
    ['round', 'lines', 'participants', 'floor', 'evaluate', 'ratio', 'peak RSS', 'target', 'Spark'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
  )
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true })
}
