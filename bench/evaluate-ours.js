/*
 * `spark-swarm evaluate` of our own signed measurements (issue 14, target 2), on an easy round
 * (1,000 tasks) and on a mainnet-shaped one (bench/signed-round.js), each a whole CLI process
 * timed from outside, best of BENCH_REPEAT runs:
 *
 * - signatures: the rate at which the command's reading threads get through the file (parse, CID,
 *   signature) against raw `crypto.verify` on every CPU at once. Target ≥ 85 %.
 * - `--trusted`: the whole command against the parse-only floor. Target ≤ 1.5 ×.
 */
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { measurementFromJson, measurementSigningDigest, verifyMeasurementSignature } from '../packages/protocol/dist/index.js'
import { writeSignedRound } from './signed-round.js'
import { printTable } from './table.js'
import { best as bestOf, SPARK_SWARM } from './timed-command.js'
import { rawVerifyRate } from './verify-threads.js'

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3)
const TARGET_VERIFY_SHARE = 0.85
const TARGET_TRUSTED_RATIO = 1.5
const RAW_SAMPLE = 40_000
const CPUS = availableParallelism()
// BENCH_SCALE=0.4: fewer stations, to try the bench out; the rounds must keep 100,000 lines, below
// which the command prints no read report
const SCALE = Number(process.env.BENCH_SCALE ?? 1)

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const FLOOR = here('./parse-floor.js')
const best = (args) => bestOf(args, REPEAT)
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`
const int = (n) => Math.round(n).toLocaleString('en-US')
const pass = (ok) => (ok ? 'PASS' : 'FAIL')
const progress = (text) => process.stderr.write(`[bench evaluate] ${text}\n`)

/** The first `n` well-signed measurements of the file, prepared for raw verification. */
async function rawItems(file, n) {
  const items = []
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    let m
    try {
      m = measurementFromJson(JSON.parse(line))
    } catch {
      continue
    }
    if (!verifyMeasurementSignature(m)) continue
    items.push({ stationId: m.stationId, digest: measurementSigningDigest(m), signature: m.signature })
    if (items.length === n) break
  }
  return items
}

/** The command's own report: lines, threads, read-phase seconds (see evaluate-round.ts). */
function readReport(stderr) {
  const m = /read ([\d,]+) lines on (\d+) threads in ([\d.]+) s(?:; ([\d,]+) signatures checked)?/.exec(stderr)
  if (!m) throw new Error(`no read report (a round under 100,000 lines has none; BENCH_SCALE ≥ 0.4) in: ${stderr.slice(-300)}`)
  return {
    lines: Number(m[1].replaceAll(',', '')),
    threads: Number(m[2]),
    readMs: Number(m[3]) * 1000,
    checked: Number((m[4] ?? '0').replaceAll(',', '')),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'spark-swarm-bench-ours-'))
try {
  const shapes = [
    ['easy (1,000 tasks)', { stations: Math.round(16_700 * SCALE), tasks: 1_000, k: 15, providers: 150 }],
    ['mainnet-shaped', { stations: Math.round(17_500 * SCALE), tasks: 3_300, k: 15, providers: 1_500 }],
  ]
  const verifyRows = []
  const trustedRows = []
  for (const [label, shape] of shapes) {
    const sub = join(dir, label.split(' ')[0])
    mkdirSync(sub)
    progress(`signing the ${label} round (${int(shape.stations)} stations × K = ${shape.k})`)
    const round = writeSignedRound(sub, { seed: 11, shape })
    progress(`${int(round.lines)} lines, ${int(round.bytes / 1e6)} MB: floor`)
    const floor = await best([FLOOR, round.file])
    progress(`raw crypto.verify on ${CPUS} threads`)
    // best of REPEAT too: a single run of 1.5 s is what a burst of other work slows most, and a
    // slow ceiling would flatter the share
    const items = await rawItems(round.file, RAW_SAMPLE)
    let raw = { rate: 0 }
    for (let i = 0; i < REPEAT; i++) {
      const run = await rawVerifyRate(items, CPUS)
      if (run.rate > raw.rate) raw = run
    }
    progress('evaluate (signatures checked)')
    const verified = await best([...SPARK_SWARM, 'evaluate', '--round', round.roundFile, round.file])
    const report = readReport(verified.stderr)
    const rate = (report.checked * 1000) / report.readMs
    const share = rate / raw.rate
    const isTarget = label === 'mainnet-shaped'
    verifyRows.push([
      label,
      int(round.lines),
      `${int(raw.rate)}/s`,
      `${int(rate)}/s (${report.threads} threads, ${secs(report.readMs)})`,
      `${(share * 100).toFixed(0)} %`,
      secs(verified.ms),
      `${int(verified.rssMb)} MB`,
      isTarget ? `≥ ${TARGET_VERIFY_SHARE * 100} %: ${pass(share >= TARGET_VERIFY_SHARE)}` : '(easy: no target)',
    ])
    progress('evaluate --trusted')
    const trusted = await best([...SPARK_SWARM, 'evaluate', '--round', round.roundFile, '--trusted', round.file])
    const ratio = trusted.ms / floor.ms
    trustedRows.push([
      label,
      int(round.lines),
      secs(floor.ms),
      secs(trusted.ms),
      `${ratio.toFixed(2)} ×`,
      `${int(trusted.rssMb)} MB`,
      isTarget ? `≤ ${TARGET_TRUSTED_RATIO} ×: ${pass(ratio <= TARGET_TRUSTED_RATIO)}` : '(easy: no target)',
    ])
    if (process.env.BENCH_KEEP !== '1') rmSync(sub, { recursive: true, force: true })
  }
  const title = (text) => `${text} (node ${process.version}, ${CPUS} CPUs, best of ${REPEAT})`
  printTable(
    title('Our evaluation: signatures checked on every CPU vs raw crypto.verify on every CPU'),
    ['round', 'lines', 'raw crypto.verify', 'evaluate, reading threads', 'share', 'whole command', 'peak RSS', 'target'],
    verifyRows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  )
  printTable(
    title('Our evaluation with --trusted vs the parse-only floor'),
    ['round', 'lines', 'floor', 'evaluate --trusted', 'ratio', 'peak RSS', 'target'],
    trustedRows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
  )
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true })
}
