/*
 * A real swarm on loopback (issue 14, targets 4 and 5; bench/README.md section 10): SWARM_NODES
 * checker nodes (default 30), each in its own process (bench/swarm-node.js) on its own 127.0.1.x
 * address, against a devnet outside world (IPNI, chain RPC, fake providers) in this process.
 * They run SWARM_ROUNDS measured rounds after a warm-up round. Reported:
 *
 * - check → delivery at every committee member: from the end of the check (the measurement's
 *   last timestamp) to the moment each other member's validators accepted it, p50 / p99 (target p99 < 1 s);
 * - idle RSS per node, sampled from /proc just before the first round (target < 150 MB);
 * - CPU per node per round (/proc/<pid>/stat utime + stime over the measured rounds);
 * - per node per round, messages delivered, copies received, bytes in and out, beside the
 *   prediction of bench/scale-model.js for the same params, and the exact count the protocol's
 *   rules give (which measurements were published on the shards each node follows).
 *
 * Every child is stopped on the way out, also on an error, SIGINT or the overall time limit.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { NODE_FLAGS } from '../packages/cli/dist/node-flags.js'
import { quantile, startOutsideWorld } from '../packages/devnet/dist/index.js'
import {
  committeeShard,
  committeeShardsFor,
  deriveRoundSeeds,
  devnet,
  localBeaconRandomness,
  roundAt,
  roundStartTime,
  sampleRoundTasks,
  TaskSelector,
  taskId,
} from '../packages/protocol/dist/index.js'
import { DUPLICATES_PER_EXTRA_MESH_PEER, GOSSIP, measureCosts, nodeRound } from './scale-model.js'
import { printTable } from './table.js'

const NODES = Number(process.env.SWARM_NODES ?? 30)
const ROUNDS = Number(process.env.SWARM_ROUNDS ?? 2)
const ROUND_MS = Number(process.env.SWARM_ROUND_MS ?? 30_000)
const STARTING_MS = Number(process.env.SWARM_STARTING_MS ?? 90_000)
// Node options for every node process, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' (NODE_OPTIONS refuses --cpu-prof)
const NODE_ARGS = (process.env.SWARM_NODE_ARGS ?? '').split(' ').filter(Boolean)
const TARGET_P99_MS = 1_000
const TARGET_IDLE_RSS_MB = 150
const CHILD = fileURLToPath(new URL('./swarm-node.js', import.meta.url))
const K = 4
const BLOCKS_PER_PROVIDER = 4
const PROVIDERS = [
  { minerId: 'f01000', profile: { kind: 'healthy' } },
  { minerId: 'f02000', profile: { kind: 'healthy' } },
  { minerId: 'f03000', profile: { kind: 'http-5xx', status: 502 } },
]

const began = Date.now()
const progress = (text) => process.stderr.write(`[swarm ${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s] ${text}\n`)
const sleepUntil = (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())))

// ---------------------------------------------------------------------------------------------
// children, and stopping them whatever happens

const children = []
// The nodes' data dirs go to RAM (/dev/shm) when there is one: 30 nodes here share one virtual
// disk, and their fsyncs at the same moments (each anchoring writes some 60 blocks) queue behind
// each other, which 30 machines with a disk each would not. SWARM_DATA_DIR chooses another place.
const DATA_ROOT = process.env.SWARM_DATA_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir())
const dir = mkdtempSync(join(DATA_ROOT, 'spark-swarm-procs-'))
let world
let cleaned = false
async function cleanUp() {
  if (cleaned) return
  cleaned = true
  for (const c of children) c.proc.stdin.end()
  const exited = Promise.all(children.map((c) => c.exited))
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL')
  await world?.stop().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
}
process.once('SIGINT', () => {
  progress('interrupted: stopping the nodes')
  cleanUp().finally(() => process.exit(130))
})
const limit = setTimeout(
  () => {
    progress('time limit: stopping the nodes')
    cleanUp().finally(() => process.exit(1))
  },
  STARTING_MS + (ROUNDS + 2) * ROUND_MS + 120_000,
)
limit.unref()

/** One node process: its JSON lines go to `onEvent`; `ask('report')` resolves with the next report. */
function spawnNode(index, config) {
  const file = join(dir, `node-${index}.json`)
  writeFileSync(file, JSON.stringify(config))
  // with the Node options the `spark-swarm` bin runs node with (packages/cli/src/node-flags.ts)
  const proc = spawn(process.execPath, [...NODE_FLAGS, ...NODE_ARGS, CHILD, file], { stdio: ['pipe', 'pipe', 'inherit'] })
  const child = { index, proc, events: [], reports: [], waiting: [] }
  child.exited = new Promise((resolve) => proc.once('exit', resolve))
  child.ready = new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`node ${index} exited (${code}) before it was ready`)))
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let e
      try {
        e = JSON.parse(line)
      } catch {
        return
      }
      if (e.event === 'ready') resolve(Object.assign(child, e))
      else if (e.event === 'report') child.waiting.shift()?.(e)
      else child.events.push(e)
    })
  })
  // a node that does not answer within 20 s is reported as such, not waited for
  child.ask = () =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.waiting.splice(child.waiting.indexOf(answer), 1)
        progress(`node ${index} did not answer a report request within 20 s`)
        resolve(undefined)
      }, 20_000)
      const answer = (report) => {
        clearTimeout(timer)
        resolve(report)
      }
      child.waiting.push(answer)
      proc.stdin.write('report\n')
    })
  children.push(child)
  return child
}

/** utime + stime of a process, in seconds, and its RSS in bytes (from /proc). */
function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = 100 // USER_HZ on Linux
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024
  return { cpu: (Number(fields[11]) + Number(fields[12])) / ticks, rss: kb('VmRSS'), hwm: kb('VmHWM') }
}

// ---------------------------------------------------------------------------------------------
// the run

const MB = (b) => `${(b / 1e6).toFixed(0)} MB`
const KB = (b) => `${(b / 1e3).toFixed(0)} kB`
const ms = (x) => `${Math.round(x)} ms`
const verdict = (ok) => (ok ? 'PASS' : 'FAIL')
const stats = (values) => ({ mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) })

try {
  // timed before the nodes run, which would take the CPU from it
  const costs = await measureCosts()
  world = await startOutsideWorld({ seed: 'swarm procs bench', providers: PROVIDERS, blocksPerProvider: BLOCKS_PER_PROVIDER })
  const worldPorts = [
    world.ipniUrl,
    world.rpcUrl,
    ...world.providers.flatMap((p) => [p.gatewayUrl, ...p.libp2pMultiaddrs, p.httpMultiaddr]),
  ]
    .map((u) => Number(/(?::|\/tcp\/)(\d+)/.exec(u)?.[1]))
    .filter(Number.isFinite)
  const tasksPerRound = world.catalogue.entries.length
  const params = {
    ...devnet,
    network: 'swarm-bench',
    // round 0 is a warm-up; the nodes must all be up before it
    genesisTime: Math.ceil((Date.now() + STARTING_MS) / 1000) * 1000,
    roundDurationMs: ROUND_MS,
    gracePeriodMs: 3_000,
    tasksPerRound,
    maxTasksPerNode: K,
    minCommitteeSize: 3,
    committeeShards: committeeShardsFor(tasksPerRound),
  }
  progress(`${NODES} node processes, ${tasksPerRound} tasks, K = ${K}, ${params.committeeShards} shards, ${ROUND_MS / 1000} s rounds`)

  const configOf = (index, bootstrap) => ({
    index,
    params,
    catalogue: world.catalogue,
    indexerUrl: world.ipniUrl,
    rpcUrl: world.rpcUrl,
    dataDir: join(dir, `node-${index}`),
    listen: [`/ip4/127.0.1.${index + 1}/tcp/0`],
    bootstrap,
    worldPorts,
  })
  const first = await spawnNode(0, configOf(0, [])).ready
  const ready = [first]
  // the others in small batches, each joining through node 0 and two random earlier nodes
  for (let i = 1; i < NODES; i += 4) {
    const batch = []
    for (let j = i; j < Math.min(NODES, i + 4); j++) {
      const via = [first, ...[0, 1].map(() => ready[Math.floor(Math.random() * ready.length)])]
      const bootstrap = [...new Set(via.flatMap((c) => c.multiaddrs.filter((a) => a.includes('/p2p/'))))]
      batch.push(spawnNode(j, configOf(j, bootstrap)).ready)
    }
    ready.push(...(await Promise.all(batch)))
  }
  const nodes = ready.sort((a, b) => a.index - b.index)
  const allReady = { at: Date.now(), procs: nodes.map((n) => procStats(n.pid)) }
  progress(`all ${NODES} nodes ready, ${((params.genesisTime - Date.now()) / 1000).toFixed(0)} s before round 0`)
  if (Date.now() > params.genesisTime - 5_000) progress('warning: the nodes were slower to start than SWARM_STARTING_MS allows')

  // idle: every node up and joined, no round yet
  await sleepUntil(params.genesisTime - 2_000)
  const idle = nodes.map((n) => procStats(n.pid))
  const idleSeconds = (Date.now() - allReady.at) / 1000
  const idleCpu = stats(nodes.map((_, i) => (idle[i].cpu - allReady.procs[i].cpu) / idleSeconds))

  // round 0 warms up; rounds 1 … ROUNDS are measured, and their attestations arrive in the next round
  const measured = Array.from({ length: ROUNDS }, (_, i) => i + 1)
  await sleepUntil(roundStartTime(params, 1))
  const atStart = { procs: nodes.map((n) => procStats(n.pid)), reports: await Promise.all(nodes.map((n) => n.ask())) }
  await sleepUntil(roundStartTime(params, ROUNDS + 1))
  const atEnd = { procs: nodes.map((n) => procStats(n.pid)), reports: await Promise.all(nodes.map((n) => n.ask())), load: loadavg() }
  progress(`measured rounds ${measured.join(', ')}; waiting for their last attestations`)
  // every node attests each measured round once it has anchored it, which on a loaded machine
  // can take most of a round; their attestations are collected until the round is two rounds old
  // (spec §12.3), so wait for all of them or for that window to close, then for their gossip
  const closes = roundStartTime(params, ROUNDS + 3) - 2_000
  const allAttested = () => nodes.every((n) => measured.every((r) => n.events.some((e) => e.event === 'attested' && e.round === r)))
  await sleepUntil(roundStartTime(params, ROUNDS + 1) + params.gracePeriodMs)
  while (!allAttested() && Date.now() < closes) await sleepUntil(Date.now() + 500)
  await sleepUntil(Math.min(closes, Date.now() + 5_000))
  const attestedBy = nodes.filter((n) => measured.every((r) => n.events.some((e) => e.event === 'attested' && e.round === r))).length
  progress(`${attestedBy} of ${NODES} nodes attested every measured round`)
  const final = await Promise.all(nodes.map((n) => n.ask()))

  // ---- who is in which committee, and which shards each node follows (spec §4, §12.1)
  const roundView = (r) => {
    const seeds = deriveRoundSeeds(r, localBeaconRandomness(params.randomness.genesisSeed, r))
    const tasks = sampleRoundTasks(world.catalogue, seeds, params.tasksPerRound)
    const selector = new TaskSelector(tasks, seeds.nodeSelection)
    const mine = nodes.map((n) => selector.pick(n.stationId, K))
    const shardOf = (t) => committeeShard(t, seeds.nodeSelection, params.committeeShards)
    return { tasks, mine, shardOf, members: (id) => nodes.filter((_, i) => mine[i].some((t) => taskId(t) === id)) }
  }
  const views = new Map([0, ...measured].map((r) => [r, roundView(r)]))
  const byCid = new Map()
  for (const n of nodes)
    for (const e of n.events) if (e.event === 'published' && measured.includes(e.round)) byCid.set(e.cid, { ...e, publisher: n })

  // ---- check → delivery at every other committee member
  const latencies = []
  const fromPublish = []
  let expected = 0
  for (const [cid, p] of byCid) {
    const publishing = p.publisher.events.find((e) => e.event === 'publishing' && e.cid === cid)?.at ?? p.at
    for (const member of views.get(p.round).members(p.taskId)) {
      if (member === p.publisher) continue
      expected++
      const d = member.events.find((e) => e.event === 'delivered' && e.cid === cid)
      if (!d) continue
      latencies.push(d.at - (d.checkedAt > 0 ? d.checkedAt : publishing))
      fromPublish.push(d.at - publishing)
    }
  }
  const p50 = quantile(latencies, 0.5)
  const p99 = quantile(latencies, 0.99)
  const answered = nodes.map((_, i) => i).filter((i) => atStart.reports[i] && atEnd.reports[i])
  const peers = stats(answered.map((i) => atEnd.reports[i].peers))
  const alive = nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null).length

  // ---- messages per node per round: measured, exact, model
  const delivered = (n, kind, r) => n.events.filter((e) => e.event === 'delivered' && e.kind === kind && e.round === r).length
  const exactMeasurements = (i, r) => {
    // the node follows its own tasks' shards of this round and the last, each on its round's shard
    const v = views.get(r)
    const before = views.get(r - 1)
    const followed = new Set([...v.mine[i].map(v.shardOf), ...before.mine[i].map(before.shardOf)])
    const taskById = new Map(v.tasks.map((t) => [taskId(t), t]))
    let count = 0
    for (const p of byCid.values())
      if (p.round === r && p.publisher !== nodes[i] && followed.has(v.shardOf(taskById.get(p.taskId)))) count++
    return count
  }
  // the attestations the others signed of round r, each distinct task and committee block once (a
  // re-attestation after a catch-up is a new message only where the block changed), on the attestation
  // topics the node follows when they are published in round c: its own tasks' shards of c − 2, c − 1, c
  const attested = (n, r) => {
    const pairs = new Map()
    for (const e of n.events) {
      if (e.event !== 'attested' || e.round !== r) continue
      for (const [id, cid] of Object.entries(e.attested)) if (!pairs.has(`${id} ${cid}`)) pairs.set(`${id} ${cid}`, { id, at: e.at })
    }
    return [...pairs.values()]
  }
  const followedAt = (i, c) => {
    const shards = new Set()
    for (const x of [c - 2, c - 1, c]) {
      if (x < 0) continue
      if (!views.has(x)) views.set(x, roundView(x))
      for (const t of views.get(x).mine[i]) shards.add(views.get(x).shardOf(t))
    }
    return shards
  }
  const exactAttestations = (i, r) => {
    const v = views.get(r)
    const taskById = new Map(v.tasks.map((t) => [taskId(t), t]))
    let count = 0
    for (const [j, n] of nodes.entries()) {
      if (j === i) continue
      for (const a of attested(n, r)) if (followedAt(i, roundAt(params, a.at)).has(v.shardOf(taskById.get(a.id)))) count++
    }
    return count
  }
  const perRound = (fn) => stats(nodes.map((n, i) => measured.reduce((s, r) => s + fn(n, i, r), 0) / ROUNDS))
  const measM = perRound((n, _i, r) => delivered(n, 'measurement', r))
  const exactM = perRound((_n, i, r) => exactMeasurements(i, r))
  const measA = perRound((n, _i, r) => delivered(n, 'attestation', r))
  const exactA = perRound((_n, i, r) => exactAttestations(i, r))
  const published = measured.reduce((s, r) => s + [...byCid.values()].filter((p) => p.round === r).length, 0) / ROUNDS
  const diff = (key, kind) =>
    answered.map((i) => ((atEnd.reports[i].counts[key][kind] ?? 0) - (atStart.reports[i].counts[key][kind] ?? 0)) / ROUNDS)
  const deliveredWindow = (kind) => stats(diff('delivered', kind))
  const receivedWindow = (kind) => stats(diff('received', kind))
  const bytesWindow = (dirn) =>
    stats(answered.map((i) => (atEnd.reports[i].bytes.swarm[dirn] - atStart.reports[i].bytes.swarm[dirn]) / ROUNDS))
  const cpu = stats(nodes.map((_, i) => (atEnd.procs[i].cpu - atStart.procs[i].cpu) / ROUNDS))
  const idleRss = stats(idle.map((s) => s.rss))
  const peakRss = stats(atEnd.procs.map((s) => s.hwm))

  const model = nodeRound(
    { stations: NODES, K, tasksPerRound, committeeShards: params.committeeShards },
    { gossip: GOSSIP.loopback, ...costs },
  )
  const dupRatio = (kind) => receivedWindow(kind).mean / Math.max(1, deliveredWindow(kind).mean)
  const meshExtra = Math.max(1, Math.min(GOSSIP.loopback.D, NODES - 1) - 1)
  const modelRatio = (kind) => model.kinds[kind].received / Math.max(1, model.kinds[kind].validated)

  printTable(
    `Real swarm: ${NODES} node processes on loopback, ${ROUNDS} rounds of ${ROUND_MS / 1000} s (2 shared cores)`,
    ['figure', 'value', 'target', 'verdict'],
    [
      ['check → delivery at every member, p50', ms(p50), '', ''],
      ['check → delivery at every member, p99', ms(p99), `< ${TARGET_P99_MS} ms`, verdict(p99 < TARGET_P99_MS)],
      ['publish → delivery at every member, p50 / p99', `${ms(quantile(fromPublish, 0.5))} / ${ms(quantile(fromPublish, 0.99))}`, '', ''],
      [
        'machine load average, 1 / 5 min (2 cores)',
        atEnd.load
          .slice(0, 2)
          .map((l) => l.toFixed(1))
          .join(' / '),
        '',
        '',
      ],
      ['peers per node, mean (min–max)', `${peers.mean.toFixed(1)} (${peers.min}–${peers.max})`, '', ''],
      ['node processes still running at the end', `${alive} of ${NODES}`, 'all', verdict(alive === NODES)],
      [
        'nodes that answered every report request',
        `${answered.length} of ${NODES}`,
        'all',
        verdict(answered.length === NODES && final.every(Boolean)),
      ],
      [
        'deliveries to members',
        `${latencies.length} of ${expected} (${((100 * latencies.length) / Math.max(1, expected)).toFixed(1)} %)`,
        'all',
        verdict(expected > 0 && latencies.length === expected),
      ],
      ['nodes that attested every measured round in its window', `${attestedBy} of ${NODES}`, 'all', verdict(attestedBy === NODES)],
      [
        'idle RSS per node, mean (min–max)',
        `${MB(idleRss.mean)} (${MB(idleRss.min)}–${MB(idleRss.max)})`,
        `< ${TARGET_IDLE_RSS_MB} MB`,
        verdict(idleRss.max < TARGET_IDLE_RSS_MB * 1e6),
      ],
      ['peak RSS per node, mean (max)', `${MB(peakRss.mean)} (${MB(peakRss.max)})`, '', ''],
      ['idle CPU per node (before round 0), mean', `${(idleCpu.mean * 100).toFixed(1)} % of a core`, '', ''],
      ['CPU per node per round, mean (min–max)', `${cpu.mean.toFixed(2)} s (${cpu.min.toFixed(2)}–${cpu.max.toFixed(2)})`, '', ''],
    ],
    ['l', 'r', 'r', 'l'],
  )
  printTable(
    `Per node per round, measured beside the model (N = ${NODES}, T = ${tasksPerRound}, K = ${K}, C = ${params.committeeShards}, loopback gossip D = ${GOSSIP.loopback.D})`,
    ['figure', 'measured mean (min–max)', 'exact (rules)', 'model'],
    [
      ['measurements published in the round', published.toFixed(0), (NODES * K).toFixed(0), (NODES * K).toFixed(0)],
      [
        'measurements delivered (validated)',
        `${measM.mean.toFixed(1)} (${measM.min}–${measM.max})`,
        `${exactM.mean.toFixed(1)} (${exactM.min}–${exactM.max})`,
        model.kinds.measurement.validated.toFixed(1),
      ],
      [
        'attestations delivered (validated)',
        `${measA.mean.toFixed(1)} (${measA.min}–${measA.max})`,
        `${exactA.mean.toFixed(1)} (${exactA.min}–${exactA.max})`,
        model.kinds.attestation.validated.toFixed(1),
      ],
      ...['measurement', 'attestation'].flatMap((kind) => [
        [
          `${kind} copies received (× delivered)`,
          `${receivedWindow(kind).mean.toFixed(1)} (×${dupRatio(kind).toFixed(2)})`,
          '',
          `${model.kinds[kind].received.toFixed(1)} (×${modelRatio(kind).toFixed(2)})`,
        ],
        [
          `${kind} duplicates per extra mesh peer`,
          ((dupRatio(kind) - 1) / meshExtra).toFixed(2),
          '',
          String(DUPLICATES_PER_EXTRA_MESH_PEER[kind]),
        ],
      ]),
      [
        'swarm TCP bytes in (all libp2p traffic)',
        `${KB(bytesWindow('in').mean)} (${KB(bytesWindow('in').min)}–${KB(bytesWindow('in').max)})`,
        '',
        `${KB(model.bytesIn)} (gossip only)`,
      ],
      [
        'swarm TCP bytes out',
        `${KB(bytesWindow('out').mean)} (${KB(bytesWindow('out').min)}–${KB(bytesWindow('out').max)})`,
        '',
        `${KB(model.bytesOut)} (gossip only)`,
      ],
      ['CPU-s per round', cpu.mean.toFixed(2), '', `${model.cpu.toFixed(3)} (gossip only)`],
    ],
    ['l', 'r', 'r', 'r'],
  )
  // what the validators turned away, over all nodes and the whole run: why a delivery is missing
  const turnedAway = {}
  for (const r of final.filter(Boolean))
    for (const [verdict, codes] of [
      ['rejected', r.gossip.rejected],
      ['ignored', r.gossip.ignored],
    ]) {
      for (const [code, n] of Object.entries(codes)) turnedAway[`${verdict} ${code}`] = (turnedAway[`${verdict} ${code}`] ?? 0) + n
    }
  const anchored = final.map((r) => r?.lastAnchored ?? -1)
  console.log(
    `turned away by the validators (all nodes, whole run): ${
      Object.entries(turnedAway)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }; last round anchored, nodes per round: ${[...new Set(anchored)]
      .sort((a, b) => a - b)
      .map((r) => `${r < 0 ? 'none' : r} × ${anchored.filter((x) => x === r).length}`)
      .join(', ')}`,
  )
  // how late each node anchored its rounds, after the round's grace ended, and its blockstore's share
  const lateness = []
  const putShare = []
  for (const n of nodes) {
    for (const e of n.events.filter((x) => x.event === 'evaluated' && x.round >= 0)) {
      lateness.push(e.at - (roundStartTime(params, e.round + 1) + params.gracePeriodMs))
    }
    const last = n.events.filter((x) => x.event === 'evaluated').at(-1)
    if (last) putShare.push(last.puts.ms / Math.max(1, last.puts.count))
  }
  if (lateness.length > 0) {
    console.log(
      `anchorings: ${lateness.length}, done ${ms(quantile(lateness, 0.5))} (p50) / ${ms(Math.max(...lateness))} (max) after the grace; ` +
        `a blockstore put took ${ms(stats(putShare).mean)} on average`,
    )
  }
  console.log(
    'measured: the rounds the nodes ran, by message round; copies, bytes and CPU over the same window. exact: the measurements published on the shards each node follows.',
  )
} catch (err) {
  console.error(err)
  process.exitCode = 1
} finally {
  await cleanUp()
  clearTimeout(limit)
}
