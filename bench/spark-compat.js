/*
 * `spark-swarm evaluate --spark-compat` against the parse-only floor (issue 14, target 1), on an
 * easy round (one participant address, 1,000 tasks) and on a round shaped like Spark's mainnet
 * (bench/mainnet-round.js), each a whole CLI process timed from outside, best of BENCH_REPEAT runs:
 * a file read on threads (the default) beside the same round line by line from stdin. The target
 * holds only on the mainnet-shaped round: ≤ 1.5 × the floor, peak RSS ≤ 400 MB.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAINNET_SHAPE, writeMainnetRound } from './mainnet-round.js'
import { printTable } from './table.js'
import { best as bestOf, SPARK_SWARM } from './timed-command.js'

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3)
const TARGET_RATIO = 1.5
const TARGET_RSS_MB = 400
// Spark's own evaluator on such a round, as the issue measured it (spark-evaluate, Node 20): ≈ 23 s
const SPARK_PUBLISHED_S = 23

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const FLOOR = here('./parse-floor.js')

const best = (args, options) => bestOf(args, REPEAT, options)

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
    progress('evaluate --spark-compat, line by line from stdin')
    const plain = await best([...SPARK_SWARM, 'evaluate', '--spark-compat', '--round', round.roundFile, '-'], { stdin: round.file })
    progress(`evaluate --spark-compat, the file on ${availableParallelism()} threads`)
    const ours = await best([...SPARK_SWARM, 'evaluate', '--spark-compat', '--round', round.roundFile, round.file])
    const ratio = ours.ms / floor.ms
    const isTarget = label === 'mainnet-shaped'
    rows.push([
      label,
      int(round.lines),
      int(round.participants),
      secs(floor.ms),
      `${secs(plain.ms)} (${int(plain.rssMb)} MB)`,
      secs(ours.ms),
      `${ratio.toFixed(2)} ×`,
      `${int(ours.rssMb)} MB`,
      isTarget
        ? `≤ ${TARGET_RATIO} ×: ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}, ≤ ${TARGET_RSS_MB} MB: ${ours.rssMb <= TARGET_RSS_MB ? 'PASS' : 'FAIL'}`
        : '(easy: no target)',
      isTarget ? `Spark ≈ ${SPARK_PUBLISHED_S} s (${(SPARK_PUBLISHED_S / (ours.ms / 1000)).toFixed(1)} × ours)` : '',
    ])
  }
  printTable(
    `Spark-compat evaluation vs the parse-only floor (node ${process.version}, ${availableParallelism()} CPUs, best of ${REPEAT})`,
    ['round', 'lines', 'participants', 'floor', 'line by line (stdin)', 'threads (file)', 'ratio', 'peak RSS', 'target', 'Spark'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
  )
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true })
}
