/*
 * The evaluation half of the benchmark, run by bench/run.js in a fresh process so that the RSS
 * it reports belongs to evaluation alone, not to the process that generated the round.
 *
 *   node --expose-gc bench/eval-child.js swarm <measurements.ndjson> <round.json>
 *   node --expose-gc bench/eval-child.js spark <measurements.ndjson> <round.json>
 *
 * 1. ingest: stream the NDJSON file line by line into the evaluator's input (Spark Swarm:
 *    measurementFromJson + measurementRecord, i.e. parse, validate, encode, hash to a CID, what a
 *    node does on receipt; Spark-compat: JSON.parse + preprocessSparkMeasurement);
 * 2. full GCs until the heap stops shrinking, reset the kernel's peak-RSS mark (Linux: /proc/self/clear_refs), tell the parent to
 *    start sampling;
 * 3. evaluate once, cold (a node evaluates each round once), tell the parent to stop sampling,
 *    and report time, memory and a summary of the evaluation.
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import {
  createInterner,
  deriveRoundSeeds,
  evaluateRound,
  mainnet,
  measurementFromJson,
  measurementRecord,
} from '../packages/protocol/dist/index.js'
import { evaluateSparkRound, preprocessSparkMeasurement } from '../packages/protocol/dist/spark-compat/index.js'

const [mode, dataFile, roundFile] = process.argv.slice(2)
if (!['swarm', 'spark'].includes(mode) || !dataFile || !roundFile) {
  console.error('usage: node --expose-gc bench/eval-child.js swarm|spark <measurements.ndjson> <round.json>')
  process.exit(2)
}

const send = (message) => new Promise((resolve) => process.send(message, () => resolve()))

/** Resets VmHWM and ru_maxrss to the current RSS (Linux ≥ 4.0); false where not supported. */
function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

function countBy(items, key) {
  const counts = {}
  for (const item of items) {
    const k = key(item)
    counts[k] = (counts[k] ?? 0) + 1
  }
  return counts
}

const round = JSON.parse(readFileSync(roundFile, 'utf8'))
const maxRssAtStartKb = process.resourceUsage().maxRSS

// 1. ingest
const ingestStart = performance.now()
const input = []
// repeated strings shared between measurements, as a node's loader and Spark's pointerize do
const intern = createInterner()
// Spark's address rules once per distinct participant string, as `evaluate --spark-compat` does
const participants = new Map()
let lines = 0
let rejected = 0
const reader = createInterface({ input: createReadStream(dataFile), crlfDelay: Number.POSITIVE_INFINITY })
for await (const line of reader) {
  if (line === '') continue
  const id = lines++
  if (mode === 'swarm') {
    input.push(measurementRecord(measurementFromJson(JSON.parse(line), intern)))
  } else {
    try {
      input.push(preprocessSparkMeasurement(JSON.parse(line), id, intern, participants))
    } catch {
      rejected++
    }
  }
}
const ingestMs = performance.now() - ingestStart
const maxRssIngestKb = process.resourceUsage().maxRSS

// 2. a clean baseline
// Full GCs until the heap stops shrinking (at most 8): each one compacts more of the pages the
// tight ingest loop fragmented. A node loads its records over a whole round, with many GCs between.
for (let i = 0, last = Number.POSITIVE_INFINITY; i < 8; i++) {
  globalThis.gc?.()
  const total = process.memoryUsage().heapTotal
  if (total >= last) break
  last = total
}
const { rss: rssBefore, heapUsed: heapBefore, external: externalBefore } = process.memoryUsage()
const peakReset = resetPeakRss()
await send({ phase: 'evaluating' })

// 3. evaluate
let evaluation
const evalStart = performance.now()
if (mode === 'swarm') {
  const ctx = { params: mainnet, round: round.round, seeds: deriveRoundSeeds(round.round, round.randomness), tasks: round.tasks }
  evaluation = evaluateRound(ctx, input, { signatures: 'trusted' })
} else {
  evaluation = evaluateSparkRound(round, input)
}
const evalMs = performance.now() - evalStart
const rssAfter = process.memoryUsage().rss
const maxRssEvalKb = process.resourceUsage().maxRSS
await send({ phase: 'evaluated' })

const committees = evaluation.committees
await send({
  phase: 'done',
  lines,
  evaluated: input.length,
  rejected: mode === 'swarm' ? evaluation.dropped.length : rejected,
  ingestMs,
  evalMs,
  rssBefore,
  liveBefore: heapBefore + externalBefore,
  rssAfter,
  peakReset,
  maxRssAtStartKb,
  maxRssIngestKb,
  maxRssEvalKb,
  tasking: countBy(evaluation.measurements, (m) => m.taskingEvaluation),
  committees: committees.length,
  retrievalMajority: committees.filter((c) => c.retrievalMajorityFound).length,
  tooSmall: committees.filter((c) => c.retrievalResult === 'COMMITTEE_TOO_SMALL').length,
  providers: Object.keys(evaluation.providers).length,
})
process.disconnect()
