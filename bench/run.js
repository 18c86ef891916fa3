/*
 * Spark Swarm benchmark (`npm run bench`): see bench/README.md for what each row measures.
 *
 * Everything is deterministic (fixed seeds, no network): the same machine gives the same round.
 * Tables go to stdout, progress to stderr. Misses are reported as FAIL in the tables; the exit
 * code is non-zero only when the bench itself breaks.
 *
 * Knobs (environment): BENCH_STATIONS (default 16,700 → ≈ 250,000 measurements),
 * BENCH_SIGNATURES (default 20,000), BENCH_KEEP=1 keeps the temp dir with the generated files.
 */
import { fork } from 'node:child_process'
import { createHash, verify } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import {
  deriveRoundSeeds,
  mainnet,
  measurementSigningDigest,
  measurementToJson,
  publicKeyObject,
  retrievalResultOf,
  roundStartTime,
  sampleRoundTasks,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
  taskId,
  verifyMeasurementSignature,
} from '../packages/protocol/dist/index.js'
import { SPARK_REQUIRED_COMMITTEE_SIZE } from '../packages/protocol/dist/spark-compat/index.js'
import { prng } from './prng.js'
import { printTable } from './table.js'

const STATIONS = Number(process.env.BENCH_STATIONS ?? 16_700)
const N_SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 20_000)
const TARGET_EVAL_MS = 2_000
const TARGET_RSS_MB = 500

const params = mainnet
const K = params.maxTasksPerNode // 15
const TASKS_PER_ROUND = params.tasksPerRound // 1,000
const CATALOGUE_SIZE = 5_000
const MINERS = 150
const ROUND = 1_000
const SPARK_ROUND_INDEX = 21_000
const CHECKER_VERSION = '1.0.0'
const SPARK_VERSION = '1.13.2'
const PARTICIPANT = '0x000000000000000000000000000000000000dEaD'
const ZERO_SIGNATURE = new Uint8Array(64)
const CHILD = fileURLToPath(new URL('./eval-child.js', import.meta.url))

// ---------------------------------------------------------------------------------------------
// helpers

const sha = (text) => createHash('sha256').update(text).digest()
const hex = (text) => sha(text).toString('hex')
const now = () => performance.now()
const started = now()
const progress = (text) => process.stderr.write(`[bench ${((now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`)

const seedOf = (text) => sha(text).readUInt32BE(0)

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const encodeWith = (alphabet, bytes, length) =>
  Array.from({ length }, (_, i) => alphabet[bytes[i % bytes.length] % alphabet.length]).join('')

const int = (n) => Math.round(n).toLocaleString('en-US')
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`
const perSec = (n, ms) => `${int((n * 1000) / ms)}/s`
const verdict = (ok) => (ok ? 'PASS' : 'FAIL')

/** Buffered synchronous line writer. */
class LineWriter {
  constructor(path) {
    this.fd = openSync(path, 'w')
    this.lines = []
    this.count = 0
    this.bytes = 0
  }
  push(line) {
    this.lines.push(line)
    this.count++
    if (this.lines.length >= 4096) this.flush()
  }
  flush() {
    if (this.lines.length === 0) return
    this.bytes += writeSync(this.fd, `${this.lines.join('\n')}\n`)
    this.lines = []
  }
  close() {
    this.flush()
    closeSync(this.fd)
  }
}

const vmRssKb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** Runs bench/eval-child.js on a file and samples its RSS every 10 ms while it evaluates. */
function runChild(mode, dataFile, roundFile) {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [mode, dataFile, roundFile], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const samples = []
    let timer
    let result
    child.on('message', (message) => {
      if (message.phase === 'evaluating') {
        timer = setInterval(() => samples.push(vmRssKb(child.pid)), 10)
      } else if (message.phase === 'evaluated') {
        clearInterval(timer)
      } else if (message.phase === 'done') {
        result = message
      }
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      clearInterval(timer)
      if (code === 0 && result) resolve({ ...result, sampledPeakKb: samples.reduce((a, b) => Math.max(a, b), 0), samples: samples.length })
      else reject(new Error(`bench/eval-child.js ${mode} exited with code ${code}`))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// the round: catalogue, providers, stations, inet groups

const roundStart = roundStartTime(params, ROUND)
const seeds = deriveRoundSeeds(ROUND, hex('spark-swarm bench: beacon randomness'))
const sparkRandomness = hex('spark-swarm bench: spark drand randomness')

const miners = Array.from({ length: MINERS }, (_, k) => {
  const rand = prng(seedOf(`miner ${k}`))
  const kind = rand()
  // 60 % healthy, 25 % flaky, 15 % mostly broken, each with its own usual failure
  const pOk = kind < 0.6 ? 0.9 + 0.09 * rand() : kind < 0.85 ? 0.3 + 0.5 * rand() : 0.1 * rand()
  const failures = ['HTTP_502', 'TIMEOUT', 'CONNECTION_REFUSED', 'IPNI_NO_VALID_ADVERTISEMENT', 'HTTP_404']
  return {
    minerId: `f0${1_000_000 + k * 7919}`,
    providerId: `12D3KooW${encodeWith(BASE58, sha(`peer ${k}`), 44)}`,
    providerAddress: `/dns/sp${k}.storage.example.net/tcp/443/https`,
    pOk,
    failure: failures[Math.floor(rand() * failures.length)],
    failures,
  }
})
const minerById = new Map(miners.map((m) => [m.minerId, m]))
const catalogue = {
  entries: Array.from({ length: CATALOGUE_SIZE }, (_, i) => ({
    cid: `bafybei${encodeWith(BASE32, sha(`payload ${i}`), 52)}`,
    minerId: miners[seedOf(`entry ${i}`) % MINERS].minerId,
  })),
}
const tasks = sampleRoundTasks(catalogue, seeds, TASKS_PER_ROUND)
const taskFacts = new Map(
  tasks.map((t) => {
    const digest = sha(`car ${t.cid}`)
    return [
      taskId(t),
      {
        miner: minerById.get(t.minerId),
        byteLength: 50_000 + (digest.readUInt32BE(0) % 5_000_000),
        carChecksum: `1220${digest.toString('hex')}`,
      },
    ]
  }),
)

/** 92 % of stations have an inet group of their own; the other 8 % share groups of 4. */
function inetGroupIndex(i) {
  const slot = i % 25
  if (slot < 23) return i
  return STATIONS + Math.floor((Math.floor(i / 25) * 2 + (slot - 23)) / 4)
}
const swarmInetGroup = (g) => `${11 + (g >> 16)}.${(g >> 8) & 255}.${g & 255}.0/24`
const sparkInetGroup = (g) => sha(`inet group ${g}`).subarray(0, 9).toString('base64url')

/**
 * What a station observed for a task: mostly OK, failures per provider profile. The same outcome
 * is serialised as a Spark Swarm measurement or as a Spark published line.
 */
function outcomeOf(task, rand) {
  const facts = taskFacts.get(taskId(task))
  const miner = facts.miner
  const code = rand() < miner.pOk ? 'OK' : rand() < 0.8 ? miner.failure : miner.failures[Math.floor(rand() * miner.failures.length)]
  const startAt = roundStart + Math.floor(rand() * 17 * 60_000)
  const ttfb = 40 + Math.floor(rand() * 2_000)
  const duration = ttfb + Math.floor(rand() * 8_000)
  const o = {
    code,
    indexerResult: 'OK',
    protocol: 'http',
    providerId: miner.providerId,
    providerAddress: miner.providerAddress,
    statusCode: 200,
    headStatusCode: 200,
    timeout: false,
    carTooLarge: false,
    byteLength: facts.byteLength,
    carChecksum: facts.carChecksum,
    startAt,
    firstByteAt: startAt + ttfb,
    endAt: startAt + duration,
    finishedAt: startAt + duration + 5,
  }
  if (code === 'HTTP_502' || code === 'HTTP_404') {
    o.statusCode = o.headStatusCode = Number(code.slice(5))
    o.byteLength = o.carChecksum = null
  } else if (code === 'TIMEOUT') {
    o.timeout = true
    o.byteLength = o.carChecksum = o.endAt = null
    o.finishedAt = startAt + 90_000
  } else if (code === 'CONNECTION_REFUSED') {
    o.statusCode = 802
    o.headStatusCode = o.byteLength = o.carChecksum = o.firstByteAt = null
  } else if (code === 'IPNI_NO_VALID_ADVERTISEMENT') {
    o.indexerResult = 'NO_VALID_ADVERTISEMENT'
    o.protocol = o.providerId = o.providerAddress = null
    o.statusCode = o.headStatusCode = o.byteLength = o.carChecksum = null
    o.startAt = o.firstByteAt = o.endAt = null
    o.finishedAt = startAt + 300
  }
  return o
}

function swarmMeasurement(stationId, inetGroup, task, o) {
  const m = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round: ROUND,
    task: { cid: task.cid, minerId: task.minerId },
    stationId,
    inetGroup,
    checkerVersion: CHECKER_VERSION,
    indexerResult: o.indexerResult,
    protocol: o.protocol,
    providerId: o.providerId,
    providerAddress: o.providerAddress,
    statusCode: o.statusCode,
    headStatusCode: o.headStatusCode,
    timeout: o.timeout,
    carTooLarge: o.carTooLarge,
    byteLength: o.byteLength,
    carChecksum: o.carChecksum,
    startAt: o.startAt,
    firstByteAt: o.firstByteAt,
    endAt: o.endAt,
    retrievalResult: '',
  }
  m.retrievalResult = retrievalResultOf(m)
  if (m.retrievalResult !== o.code) throw new Error(`bench model error: ${o.code} became ${m.retrievalResult}`)
  return m
}

const iso = (ms) => (ms === null ? null : new Date(ms).toISOString())
function sparkLine(stationId, inetGroup, task, o) {
  return {
    participant_address: PARTICIPANT,
    station_id: stationId,
    inet_group: inetGroup,
    finished_at: iso(o.finishedAt),
    cid: task.cid,
    miner_id: task.minerId,
    provider_id: o.providerId,
    provider_address: o.providerAddress,
    protocol: o.protocol,
    indexer_result: o.indexerResult,
    status_code: o.statusCode,
    head_status_code: o.headStatusCode,
    timeout: o.timeout,
    car_too_large: o.carTooLarge,
    byte_length: o.byteLength,
    car_checksum: o.carChecksum,
    start_at: iso(o.startAt),
    first_byte_at: iso(o.firstByteAt),
    end_at: iso(o.endAt),
    spark_version: SPARK_VERSION,
  }
}

/**
 * The tasks a station reports: its K picked tasks; 1 % of stations swap one for a task that is
 * not theirs (TASK_WRONG_NODE) and 0.3 % report one task twice (DUPLICATE / DUP_INET_GROUP).
 */
function reportedTasks(picked, rand) {
  const out = [...picked]
  if (rand() < 0.01) {
    const mine = new Set(picked.map(taskId))
    let other
    do other = tasks[Math.floor(rand() * tasks.length)]
    while (mine.has(taskId(other)))
    out[out.length - 1] = other
  }
  if (rand() < 0.003) out.push(out[Math.floor(rand() * out.length)])
  return out
}

// ---------------------------------------------------------------------------------------------
// run

const dir = mkdtempSync(join(tmpdir(), 'spark-swarm-bench-'))
try {
  console.log(
    `Spark Swarm benchmark — node ${process.version}, ${availableParallelism()} CPUs, ` +
      `${int(STATIONS)} stations × K=${K} of ${int(tasks.length)} tasks (mainnet params), round ${ROUND}`,
  )

  // stations: real Ed25519 keys from deterministic seeds
  progress(`generating ${int(STATIONS)} station keys (stationKeyFromSeed)`)
  let t = now()
  const keys = Array.from({ length: STATIONS }, (_, i) => stationKeyFromSeed(sha(`spark-swarm bench station ${i}`)))
  const keygenMs = now() - t

  // 3. TaskSelector (timed here because the round is built from these picks)
  progress('timing TaskSelector')
  t = now()
  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  const selectorMs = now() - t
  t = now()
  const picks = keys.map((k) => selector.pick(k.stationId, K))
  const pickMs = now() - t
  t = now()
  for (const k of keys) selector.pick(k.stationId, K)
  const pickWarmMs = now() - t

  // 1a. Spark Swarm round → NDJSON
  progress('building the Spark Swarm round')
  const swarmFile = join(dir, 'swarm-measurements.ndjson')
  const swarmRound = join(dir, 'swarm-round.json')
  writeFileSync(swarmRound, JSON.stringify({ round: ROUND, randomness: seeds.randomness, tasks }))
  t = now()
  const swarmOut = new LineWriter(swarmFile)
  const groups = new Set()
  for (let i = 0; i < STATIONS; i++) {
    const rand = prng(seedOf(`swarm station ${i}`))
    const g = inetGroupIndex(i)
    groups.add(g)
    for (const task of reportedTasks(picks[i], rand)) {
      const m = swarmMeasurement(keys[i].stationId, swarmInetGroup(g), task, outcomeOf(task, rand))
      // signature 'trusted': the gossip validator checked it on receipt, the evaluator does not
      m.signature = ZERO_SIGNATURE
      swarmOut.push(JSON.stringify(measurementToJson(m)))
    }
  }
  swarmOut.close()
  const swarmBuildMs = now() - t

  progress(`evaluating ${int(swarmOut.count)} measurements in a child process`)
  const swarm = await runChild('swarm', swarmFile, swarmRound)
  if (process.env.BENCH_KEEP !== '1') rmSync(swarmFile)

  // 1b. Spark-compat round (Spark's published snake_case lines) → NDJSON
  progress('building the Spark-compat round')
  const sparkFile = join(dir, 'spark-measurements.ndjson')
  const sparkRoundFile = join(dir, 'spark-round.json')
  writeFileSync(
    sparkRoundFile,
    JSON.stringify({ roundIndex: String(SPARK_ROUND_INDEX), randomness: sparkRandomness, maxTasksPerNode: K, tasks }),
  )
  t = now()
  const sparkSelector = new TaskSelector(tasks, sparkRandomness)
  const sparkOut = new LineWriter(sparkFile)
  for (let i = 0; i < STATIONS; i++) {
    const rand = prng(seedOf(`spark station ${i}`))
    const stationId = keys[i].stationId
    const group = sparkInetGroup(inetGroupIndex(i))
    for (const task of reportedTasks(sparkSelector.pick(stationId, K), rand)) {
      sparkOut.push(JSON.stringify(sparkLine(stationId, group, task, outcomeOf(task, rand))))
    }
  }
  sparkOut.close()
  const sparkBuildMs = now() - t

  progress(`evaluating ${int(sparkOut.count)} Spark lines in a child process`)
  const spark = await runChild('spark', sparkFile, sparkRoundFile)
  if (process.env.BENCH_KEEP !== '1') rmSync(sparkFile)

  // 2. Ed25519
  progress(`signing ${int(N_SIGNATURES)} measurements`)
  const warmStations = Math.ceil(N_SIGNATURES / K)
  const unsigned = []
  for (let i = 0; i < warmStations && i < STATIONS; i++) {
    const rand = prng(seedOf(`sig station ${i}`))
    for (const task of picks[i]) {
      if (unsigned.length < N_SIGNATURES)
        unsigned.push({ key: keys[i], m: swarmMeasurement(keys[i].stationId, swarmInetGroup(i), task, outcomeOf(task, rand)) })
    }
  }
  t = now()
  const signed = unsigned.map(({ key, m }) => signMeasurement(m, key))
  const signMs = now() - t

  // one measurement each from stations the warm set never used: every key is new to the cache
  const coldFirst = warmStations + 100
  const cold = []
  for (let i = coldFirst; i < STATIONS && cold.length < N_SIGNATURES; i++) {
    const task = picks[i][0]
    cold.push(signMeasurement(swarmMeasurement(keys[i].stationId, swarmInetGroup(i), task, outcomeOf(task, prng(i))), keys[i]))
  }

  progress('timing signature verification')
  t = now()
  const digests = signed.map((m) => measurementSigningDigest(m))
  const digestMs = now() - t
  const keyObjects = new Map()
  for (const m of [...signed, ...cold]) if (!keyObjects.has(m.stationId)) keyObjects.set(m.stationId, publicKeyObject(m.stationId))
  const coldDigests = cold.map((m) => measurementSigningDigest(m))

  const timeVerify = (list, check) => {
    let ok = 0
    const start = now()
    for (let i = 0; i < list.length; i++) if (check(list[i], i)) ok++
    const ms = now() - start
    if (ok !== list.length) throw new Error(`only ${ok} of ${list.length} signatures verified`)
    return ms
  }
  const rawVerify = (digestList) => (m, i) => verify(null, digestList[i], keyObjects.get(m.stationId), m.signature)
  // warm-up so that neither side pays JIT compilation in its timed run
  for (let i = 0; i < 300; i++) {
    verifyMeasurementSignature(cold[cold.length - 1 - i])
    verify(null, coldDigests[cold.length - 1 - i], keyObjects.get(cold[cold.length - 1 - i].stationId), cold[cold.length - 1 - i].signature)
  }
  const rawWarmMs = timeVerify(signed, rawVerify(digests))
  const oursWarmMs = timeVerify(signed, (m) => verifyMeasurementSignature(m))
  const coldN = cold.length - 300 // the last 300 warmed up the JIT (and are now cached)
  const coldSet = cold.slice(0, coldN)
  const rawColdMs = timeVerify(coldSet, rawVerify(coldDigests))
  const oursColdMs = timeVerify(coldSet, (m) => verifyMeasurementSignature(m))

  // ---------------------------------------------------------------------------------------------
  // tables

  const evalRow = (r) => `${secs(r.evalMs)} ${verdict(r.evalMs < TARGET_EVAL_MS)}`
  const peakBytes = (r) => r.maxRssEvalKb * 1024
  const rssRow = (r) => `${mb(peakBytes(r))} ${verdict(peakBytes(r) / 1e6 < TARGET_RSS_MB)}`
  const tk = (r, label) => int(r.tasking[label] ?? 0)
  const both = (label, f, target = '') => [label, f(swarm), f(spark), target]
  printTable(
    `1. Evaluation of a ${int(swarmOut.count)}-measurement round (fresh child process per evaluator)`,
    ['Row', 'Spark Swarm', 'Spark-compat', 'Target'],
    [
      ['evaluator', "evaluateRound 'trusted'", 'evaluateSparkRound', ''],
      ['measurements (NDJSON lines)', int(swarmOut.count), int(sparkOut.count), ''],
      ['stations / inet groups', `${int(STATIONS)} / ${int(groups.size)}`, `${int(STATIONS)} / ${int(groups.size)}`, ''],
      ['NDJSON file', mb(swarmOut.bytes), mb(sparkOut.bytes), ''],
      ['build + write file (parent)', secs(swarmBuildMs), secs(sparkBuildMs), ''],
      ['ingest (parse, validate, CID | preprocess)', secs(swarm.ingestMs), secs(spark.ingestMs), ''],
      both('evaluation time', evalRow, `< ${TARGET_EVAL_MS / 1000} s`),
      both('evaluation throughput', (r) => perSec(r.evaluated, r.evalMs)),
      both('dropped before tasking', (r) => int(r.rejected)),
      both('tasking OK', (r) => tk(r, 'OK')),
      both('DUP_INET_GROUP / TOO_MANY_TASKS', (r) => `${tk(r, 'DUP_INET_GROUP')} / ${tk(r, 'TOO_MANY_TASKS')}`),
      both(
        'TASK_WRONG_NODE / DUPLICATE',
        (r) => `${tk(r, 'TASK_WRONG_NODE')} / ${r.tasking.DUPLICATE === undefined ? '-' : tk(r, 'DUPLICATE')}`,
      ),
      both('committees (retrieval majority)', (r) => `${int(r.committees)} (${int(r.retrievalMajority)})`),
      both('providers scored', (r) => int(r.providers)),
      both('live heap + external, input loaded', (r) => mb(r.liveBefore)),
      both('RSS before evaluation (input loaded)', (r) => mb(r.rssBefore)),
      both('RSS after evaluation', (r) => mb(r.rssAfter)),
      both('max RSS sampled every 10 ms', (r) => (r.samples ? `${mb(r.sampledPeakKb * 1024)} (${r.samples})` : 'n/a')),
      both(swarm.peakReset ? 'peak RSS during evaluation (maxRSS)' : 'peak RSS of the child (maxRSS)', rssRow, `< ${TARGET_RSS_MB} MB`),
      both('peak RSS of the child incl. ingest', (r) => mb(Math.max(r.maxRssIngestKb, r.maxRssEvalKb) * 1024)),
    ],
    'lrrr',
  )
  console.log(
    `   (Spark-compat committees need ${SPARK_REQUIRED_COMMITTEE_SIZE} members; node: minCommitteeSize ${params.minCommitteeSize}.)`,
  )

  const signedStations = new Set(signed.map((m) => m.stationId)).size
  const fullRound = swarmOut.count
  printTable(
    '2. Ed25519 signature verification',
    ['Operation', 'N', 'Time', 'Rate', 'vs raw'],
    [
      ['signMeasurement (encode, hash, sign)', int(signed.length), secs(signMs), perSec(signed.length, signMs), ''],
      [`  … extrapolated to ${int(fullRound)} measurements`, int(fullRound), secs((signMs * fullRound) / signed.length), '', ''],
      ['measurementSigningDigest (encode + hash)', int(digests.length), secs(digestMs), perSec(digests.length, digestMs), ''],
      ['raw crypto.verify (digest, KeyObject)', int(signed.length), secs(rawWarmMs), perSec(signed.length, rawWarmMs), '1.00×'],
      [
        `verifyMeasurementSignature (${int(signedStations)} stations × ${K})`,
        int(signed.length),
        secs(oursWarmMs),
        perSec(signed.length, oursWarmMs),
        `${(rawWarmMs / oursWarmMs).toFixed(2)}×`,
      ],
      ['raw crypto.verify, 1 per station', int(coldSet.length), secs(rawColdMs), perSec(coldSet.length, rawColdMs), '1.00×'],
      [
        'verifyMeasurementSignature, 1 per station',
        int(coldSet.length),
        secs(oursColdMs),
        perSec(coldSet.length, oursColdMs),
        `${(rawColdMs / oursColdMs).toFixed(2)}×`,
      ],
    ],
    'lrrrr',
  )

  printTable(
    '3. Task selection (the evaluator’s hot path)',
    ['Operation', 'N', 'Time', 'Rate', 'µs each'],
    [
      [`new TaskSelector (${int(tasks.length)} task keys)`, '1', `${selectorMs.toFixed(1)} ms`, '', ''],
      [
        `TaskSelector.pick(stationId, ${K}), first pass`,
        int(STATIONS),
        secs(pickMs),
        perSec(STATIONS, pickMs),
        ((pickMs * 1000) / STATIONS).toFixed(1),
      ],
      [
        `TaskSelector.pick(stationId, ${K}), second pass`,
        int(STATIONS),
        secs(pickWarmMs),
        perSec(STATIONS, pickWarmMs),
        ((pickWarmMs * 1000) / STATIONS).toFixed(1),
      ],
      [
        'stationKeyFromSeed (context)',
        int(STATIONS),
        secs(keygenMs),
        perSec(STATIONS, keygenMs),
        ((keygenMs * 1000) / STATIONS).toFixed(1),
      ],
    ],
    'lrrrr',
  )
  progress('done')
} finally {
  if (process.env.BENCH_KEEP === '1') progress(`kept ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
}
