/*
 * How long a node's round-end evaluation blocks its event loop (`npm run bench`, issue 14 target 3):
 * see bench/README.md, "Round-end evaluation in the node".
 *
 * A real node store (SQLite file) holds a mainnet-shaped round; the node's anchoring
 * (`createAnchoring(...).anchorRound`) evaluates it, builds and stores its summary, while a 1 ms
 * timer and `monitorEventLoopDelay` watch the event loop. The blocking path the node used before
 * (one read of all rows, one `evaluateRound`, one `buildRoundSummary`) runs on the same store
 * beside it, and both must give the same summary CID. Each path runs in a fresh child process, so
 * that its heap (and its garbage collections) hold that path's round alone.
 *
 * Knobs (environment): STALL_STATIONS (16,700 → ≈ 250,000 measurements), STALL_TASKS (3,300),
 * STALL_KEEP=1 keeps the store file in its temporary directory.
 */
import { fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { createAnchoring } from '../packages/node/dist/node/anchor/anchor.js'
import { putSummaryBlocks } from '../packages/node/dist/node/anchor/summary-blocks.js'
import { TypedEventTarget } from '../packages/node/dist/node/events.js'
import { silentLogger } from '../packages/node/dist/node/logger.js'
import { openNodeStore } from '../packages/node/dist/store/index.js'
import {
  buildRoundSummary,
  cidOfDagCbor,
  cidText,
  committeeMemberships,
  createInterner,
  decodeSignedMeasurement,
  deriveRoundSeeds,
  encodeSignedMeasurement,
  evaluateRound,
  internMeasurement,
  mainnet,
  retrievalResultOf,
  roundStartTime,
  sampleRoundTasks,
  stationKeyFromSeed,
  TaskSelector,
  taskId,
} from '../packages/protocol/dist/index.js'
import { prng } from './prng.js'
import { printTable } from './table.js'

const STATIONS = Number(process.env.STALL_STATIONS ?? 16_700)
const TASKS = Number(process.env.STALL_TASKS ?? 3_300)
const TARGET_STALL_MS = 50
const ROUND = 1_000
const PROVIDERS = 1_500
const CATALOGUE_SIZE = 20_000
const params = { ...mainnet, tasksPerRound: TASKS }
const K = params.maxTasksPerNode
const ZERO_SIGNATURE = new Uint8Array(64)

const sha = (text) => createHash('sha256').update(text).digest()
const hex = (text) => sha(text).toString('hex')
const seedOf = (text) => sha(text).readUInt32BE(0)
const now = () => performance.now()
const started = now()
const progress = (text) => process.stderr.write(`[stall ${((now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`)
const int = (n) => Math.round(n).toLocaleString('en-US')
const ms = (n) => `${n.toFixed(0)} ms`

// ---------------------------------------------------------------------------------------------
// the round: 3,300 tasks of 1,500 providers, stations doing their K picked tasks

const seeds = deriveRoundSeeds(ROUND, hex('spark-swarm stall bench: beacon randomness'))
const roundStart = roundStartTime(params, ROUND)
const providers = Array.from({ length: PROVIDERS }, (_, k) => ({
  minerId: `f0${2_000_000 + k * 7919}`,
  providerId: `12D3KooW${sha(`stall peer ${k}`).toString('base64url').slice(0, 44)}`,
  providerAddress: `/dns/sp${k}.storage.example.net/tcp/443/https`,
  pOk: prng(seedOf(`stall provider ${k}`))(),
}))
const catalogue = {
  entries: Array.from({ length: CATALOGUE_SIZE }, (_, i) => ({
    cid: `bafybei${createHash('sha256').update(`stall payload ${i}`).digest('hex').slice(0, 52)}`,
    minerId: providers[seedOf(`stall entry ${i}`) % PROVIDERS].minerId,
  })),
}
const tasks = sampleRoundTasks(catalogue, seeds, TASKS)
const providerOf = new Map(providers.map((p) => [p.minerId, p]))
// the summary links the catalogue by CID only: a stand-in, the same on both paths
const CATALOGUE_CID = cidOfDagCbor(new Uint8Array([0xa0]))

/** One station's measurement of a task: OK with the provider's rate, else an HTTP 502. */
function measurementOf(stationId, inetGroup, task, rand) {
  const p = providerOf.get(task.minerId)
  const ok = rand() < p.pOk
  const startAt = roundStart + Math.floor(rand() * 17 * 60_000)
  const m = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round: ROUND,
    task: { cid: task.cid, minerId: task.minerId },
    stationId,
    inetGroup,
    checkerVersion: '1.0.0',
    indexerResult: 'OK',
    protocol: 'http',
    providerId: p.providerId,
    providerAddress: p.providerAddress,
    statusCode: ok ? 200 : 502,
    headStatusCode: ok ? 200 : 502,
    timeout: false,
    carTooLarge: false,
    byteLength: ok ? 1_000_000 : null,
    carChecksum: ok ? `1220${hex(`car ${task.cid}`)}` : null,
    startAt,
    firstByteAt: startAt + 100,
    endAt: startAt + 900,
    retrievalResult: '',
  }
  m.retrievalResult = retrievalResultOf(m)
  // the node's path is 'trusted': its gossip validator checked the signature on receipt
  return { ...m, signature: ZERO_SIGNATURE }
}

/** Fills a node store file with the round: 8 % of stations share inet groups of 4. */
function buildStore(path) {
  const store = openNodeStore({ path })
  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  let batch = []
  let count = 0
  for (let i = 0; i < STATIONS; i++) {
    const key = stationKeyFromSeed(sha(`spark-swarm stall station ${i}`))
    const rand = prng(seedOf(`stall station ${i}`))
    const g = i % 25 < 23 ? i : STATIONS + Math.floor(i / 100)
    const group = `${11 + (g >> 16)}.${(g >> 8) & 255}.${g & 255}.0/24`
    for (const task of selector.pick(key.stationId, K)) {
      const bytes = encodeSignedMeasurement(measurementOf(key.stationId, group, task, rand))
      batch.push({
        cid: cidText(cidOfDagCbor(bytes)),
        round: ROUND,
        taskId: taskId(task),
        stationId: key.stationId,
        shard: 0,
        bytes,
        origin: 'peer',
      })
    }
    if (batch.length >= 10_000) {
      count += store.putMeasurements(batch)
      batch = []
    }
  }
  count += store.putMeasurements(batch)
  return { store, count }
}

// ---------------------------------------------------------------------------------------------
// watching the event loop

/**
 * The main thread's CPU time so far, in ms (Linux: the first field of its schedstat, in ns); on a
 * shared machine a stall can be mostly time the scheduler gave to other processes.
 */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`
const cpuMs = () => {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6
  } catch {
    return Number.NaN
  }
}

/**
 * The longest gap between the ticks of a 1 ms timer and the main thread's CPU time in it (far less
 * than the gap: the machine ran something else), the most CPU time between two ticks, the longest
 * garbage collection, and `monitorEventLoopDelay`'s maximum.
 */
function watchEventLoop() {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  // V8's garbage collections: a full one holds the main thread whatever the code does between its slices
  let longestGc = 0
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGc = Math.max(longestGc, entry.duration)
  })
  gcs.observe({ entryTypes: ['gc'] })
  let last = now()
  let lastCpu = cpuMs()
  let longest = 0
  let longestCpu = 0
  let busiest = 0
  let over = 0
  const tick = () => {
    const t = now()
    const c = cpuMs()
    if (t - last > longest) {
      longest = t - last
      longestCpu = c - lastCpu
    }
    busiest = Math.max(busiest, c - lastCpu)
    if (t - last > TARGET_STALL_MS) over++
    last = t
    lastCpu = c
  }
  const timer = setInterval(tick, 1)
  return {
    stop() {
      clearInterval(timer)
      histogram.disable()
      gcs.disconnect()
      tick()
      return { gapMs: longest, gapCpuMs: longestCpu, busiestMs: busiest, gcMs: longestGc, over, delayMs: histogram.max / 1e6 }
    },
  }
}

/** Waits until the event loop has turned a few times: a measurement starts on an idle loop. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

const sink = () => {
  const blocks = new Map()
  // async like helia's blockstore: the caller awaits every put
  return { blocks, put: async (cid, bytes) => void blocks.set(cid.toString(), bytes) }
}

const roundInfo = { round: ROUND, seeds, tasks, selector: new TaskSelector(tasks, seeds.nodeSelection), mine: [], shards: new Map() }

/** The path the node took before: every step in one synchronous run, then the blocks. */
async function blockingPath(store) {
  const t = {}
  let s = now()
  const rows = store.measurementsOfRound(ROUND)
  t.read = now() - s
  s = now()
  const intern = createInterner()
  const records = rows.map((row) => ({ cid: row.cid, measurement: internMeasurement(decodeSignedMeasurement(row.bytes), intern) }))
  t.decode = now() - s
  s = now()
  const evaluation = evaluateRound({ params, round: ROUND, seeds, tasks }, records, { signatures: 'trusted', bindingCache: new Map() })
  t.evaluate = now() - s
  s = now()
  const built = buildRoundSummary(evaluation, { params, seeds, catalogueCid: CATALOGUE_CID, previous: null })
  t.build = now() - s
  s = now()
  await putSummaryBlocks(
    sink(),
    { params, catalogue, catalogueCid: CATALOGUE_CID, built, measurements: rows },
    {
      storePath: store.path,
      round: ROUND,
      signal: new AbortController().signal,
    },
  )
  t.put = now() - s
  s = now()
  committeeMemberships(evaluation)
  t.memberships = now() - s
  return { summaryCid: built.root.cid.toString(), phases: t }
}

/** The node's own anchoring, as the round loop calls it. */
async function nodePath(store) {
  const controller = new AbortController()
  const anchoring = createAnchoring(
    {
      params,
      rounds: { get: async () => roundInfo },
      store,
      blockstore: sink(),
      routing: { provide: async () => {} },
      pubsub: { publish: async () => {} },
      stationKey: stationKeyFromSeed(sha('stall bench node')),
      events: new TypedEventTarget(),
      log: silentLogger,
      signal: controller.signal,
    },
    { catalogue, catalogueCid: CATALOGUE_CID },
  )
  // the summary links the previous round's; none here, as in the blocking path
  const outcome = await anchoring.anchorRound(ROUND)
  await anchoring.stop()
  return outcome
}

async function timed(run) {
  await settle()
  const watch = watchEventLoop()
  const s = now()
  const result = await run()
  const wallMs = now() - s
  // the histogram records a delay when its timer fires after it: one more turn of the loop
  await settle()
  return { result, wallMs, ...watch.stop() }
}

// ---------------------------------------------------------------------------------------------

/** Runs one path in a fresh child process (its heap holds that path's round alone) and returns what it measured. */
function runChild(path, storeFile) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [path, storeFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result
    child.on('message', (message) => {
      result = message
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`bench/node-stall.js ${path} exited with code ${code}`)),
    )
  })
}

const [path, storeFile] = process.argv.slice(2)
if (path === 'node' || path === 'blocking') {
  const store = openNodeStore({ path: storeFile })
  const run = await timed(() => (path === 'node' ? nodePath(store) : blockingPath(store)))
  store.close()
  const { summaryCid, phases } = run.result
  const report = {
    summaryCid,
    phases,
    gapMs: run.gapMs,
    gapCpuMs: run.gapCpuMs,
    busiestMs: run.busiestMs,
    gcMs: run.gcMs,
    over: run.over,
    delayMs: run.delayMs,
    wallMs: run.wallMs,
    load: loadavg()[0],
  }
  if (process.send) process.send(report)
  else console.log(JSON.stringify(report))
} else {
  const dir = mkdtempSync(join(tmpdir(), 'spark-swarm-stall-'))
  try {
    const file = join(dir, 'node.sqlite')
    progress(`building a node store: ${int(STATIONS)} stations × K=${K} of ${int(tasks.length)} tasks`)
    const { store, count } = buildStore(file)
    store.close()
    progress(`${int(count)} measurements stored; the blocking path, in a child process`)
    const old = await runChild('blocking', file)
    progress(
      `its phases: ${Object.entries(old.phases)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(', ')}`,
    )
    progress('the node path, in a child process')
    const node = await runChild('node', file)
    const same = node.summaryCid === old.summaryCid
    const ok = (stall) => (stall <= TARGET_STALL_MS ? 'PASS' : 'FAIL')
    printTable(
      `Round-end evaluation in the node — ${int(count)} measurements, ${int(STATIONS)} stations × K=${K}, ${int(tasks.length)} tasks`,
      ['Row', 'node (sliced)', 'before (blocking)', 'target', ''],
      [
        ['longest event-loop stall during round-end evaluation', ms(node.gapMs), ms(old.gapMs), `≤ ${TARGET_STALL_MS} ms`, ok(node.gapMs)],
        ['main thread on CPU during that stall', ms(node.gapCpuMs), ms(old.gapCpuMs), '', ''],
        [
          'longest main-thread run between two turns (CPU)',
          ms(node.busiestMs),
          ms(old.busiestMs),
          `≤ ${TARGET_STALL_MS} ms`,
          ok(node.busiestMs),
        ],
        ['longest garbage-collection pause (wall)', ms(node.gcMs), ms(old.gcMs), '', ''],
        ['monitorEventLoopDelay max (resolution 1 ms)', ms(node.delayMs), ms(old.delayMs), `≤ ${TARGET_STALL_MS} ms`, ok(node.delayMs)],
        [`stalls over ${TARGET_STALL_MS} ms`, int(node.over), int(old.over), '0', ''],
        ['wall time: read, evaluate, build, store blocks', ms(node.wallMs), ms(old.wallMs), '', ''],
        ['summary CID (last 12 characters)', node.summaryCid.slice(-12), old.summaryCid.slice(-12), 'equal', same ? 'PASS' : 'FAIL'],
        ['load average (1 min) at the end', node.load.toFixed(1), old.load.toFixed(1), `${availableParallelism()} CPUs`, ''],
      ],
      ['l', 'r', 'r', 'r', 'l'],
    )
    if (!same) process.exitCode = 1
  } finally {
    if (process.env.STALL_KEEP === '1') progress(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}
