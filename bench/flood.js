/*
 * A gossip flood against a real checker node (issue 7, resource safety). A swarm of FLOOD_NODES
 * honest nodes runs on 127.0.0.1 in this process; a rogue peer in a child process
 * (bench/flood-peer.js) connects to node 0 and writes FLOOD_MESSAGES gossip messages of one kind
 * as fast as node 0 reads them, one phase per kind in FLOOD_KINDS, each phase with a fresh peer
 * identity. Reported per phase: what node 0's validators made of the messages (status().gossip),
 * this process's RSS and heap before, at the peak and after a full GC, whether and when node 0
 * graylisted the flooder (gossipsub score below SCORE_THRESHOLDS.graylistThreshold), and how much
 * of the honest nodes' own gossip still reached their committees during the flood.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startSwarm } from '../packages/devnet/dist/index.js'
import { SCORE_THRESHOLDS } from '../packages/node/dist/index.js'
import {
  cidOfDagCbor,
  deriveRoundSeeds,
  localBeaconRandomness,
  sampleRoundTasks,
  TaskSelector,
  taskId,
} from '../packages/protocol/dist/index.js'
import { printTable } from './table.js'

const MESSAGES = Number(process.env.FLOOD_MESSAGES ?? 100_000)
const KINDS = (process.env.FLOOD_KINDS ?? 'wrong-round,foreign-topic,forged-signature,mixed').split(',')
const NODES = Number(process.env.FLOOD_NODES ?? 3)
const BATCH = Number(process.env.FLOOD_BATCH ?? 16)
const ROUND_MS = Number(process.env.FLOOD_ROUND_MS ?? 6_000)
const PEER = fileURLToPath(new URL('./flood-peer.js', import.meta.url))

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')
const MB = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
/** Full GCs until the heap stops shrinking: what is left is what is still referenced. */
async function settledMemory() {
  let last = Number.POSITIVE_INFINITY
  for (let i = 0; i < 8; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
    const { heapUsed } = process.memoryUsage()
    if (heapUsed > last * 0.99) break
    last = heapUsed
  }
  return process.memoryUsage()
}

console.error(`flood: ${NODES} honest nodes, ${MESSAGES} messages per phase, phases ${KINDS.join(', ')}`)
const swarm = await startSwarm({
  nodes: NODES,
  seed: 'flood bench',
  blocksPerProvider: 3,
  providers: [
    { minerId: 'f01000', profile: { kind: 'healthy' } },
    { minerId: 'f03000', profile: { kind: 'http-5xx', status: 503 } },
  ],
  params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: 3, minCommitteeSize: 2, committeeShards: 2 },
})
const { params, nodes } = swarm
const target = nodes[0]
const dir = mkdtempSync(join(tmpdir(), 'spark-flood-'))

// Honest delivery: every own measurement a node publishes, and who of its committee received it.
const committees = new Map()
function committeeOf(round, task) {
  let byTask = committees.get(round)
  if (!byTask) {
    const seeds = deriveRoundSeeds(round, localBeaconRandomness(params.randomness.genesisSeed, round))
    const selector = new TaskSelector(sampleRoundTasks(swarm.world.catalogue, seeds, params.tasksPerRound), seeds.nodeSelection)
    byTask = new Map()
    nodes.forEach((node, i) => {
      for (const t of selector.pick(node.stationId, params.maxTasksPerNode)) byTask.set(taskId(t), [...(byTask.get(taskId(t)) ?? []), i])
    })
    committees.set(round, byTask)
  }
  return byTask.get(taskId(task)) ?? []
}
const published = []
const received = nodes.map(() => new Set())
nodes.forEach((node, i) => {
  node.addEventListener('measurement:published', (e) => published.push({ ...e.detail, publisher: i, at: performance.now() }))
  node.host.libp2p.services.pubsub.addEventListener('message', (e) => {
    if (e.detail.topic.includes('/measurements/')) received[i].add(cidOfDagCbor(e.detail.data).toString())
  })
})
let evaluations = 0
// Messages that reached node 0's gossipsub at all (counted where it reads RPCs, before the graylist
// check): a bench-only look inside, gossipsub has no public counter of them.
let arrived = 0
let lastArrivalAt = 0
{
  const pubsub = target.host.libp2p.services.pubsub
  const handleReceivedRpc = pubsub.handleReceivedRpc.bind(pubsub)
  pubsub.handleReceivedRpc = (from, rpc) => {
    arrived += rpc.messages?.length ?? 0
    lastArrivalAt = performance.now()
    return handleReceivedRpc(from, rpc)
  }
}
target.addEventListener('round:evaluated', () => evaluations++)
/** Share of (measurement, committee member) pairs delivered, for measurements published in [from, to). */
function delivery(from, to) {
  let expected = 0
  let got = 0
  for (const p of published) {
    if (p.at < from || p.at >= to) continue
    for (const member of committeeOf(p.round, p.task)) {
      if (member === p.publisher) continue
      expected++
      if (received[member].has(p.cid)) got++
    }
  }
  return { expected, got }
}
const gossipTotals = () => {
  const { gossip } = target.status()
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0)
  return {
    accepted: sum(gossip.accepted),
    rejected: sum(gossip.rejected),
    ignored: sum(gossip.ignored),
    byCode: { ...gossip.rejected, ...gossip.ignored },
  }
}

/** The flooder's instructions (flood-peer.js reads them): what to send, how much, at whom. */
function writeFlooderConfig(kind, index) {
  const configPath = join(dir, `${kind}.json`)
  writeFileSync(
    configPath,
    JSON.stringify({
      params,
      catalogue: swarm.world.catalogue,
      targets: target
        .multiaddrs()
        .filter((a) => a.includes('/p2p/'))
        .slice(0, 1),
      kind,
      messages: MESSAGES,
      batch: BATCH,
      seed: `flooder ${index} ${kind}`,
    }),
  )
  return configPath
}

/** What node 0's validators judged since `before`: totals, and `CODE×n` for each code seen. */
function judgedSince(before) {
  const after = gossipTotals()
  const judged = {
    accepted: after.accepted - before.accepted,
    rejected: after.rejected - before.rejected,
    ignored: after.ignored - before.ignored,
  }
  const codes = Object.entries(after.byCode)
    .map(([code, n]) => [code, n - (before.byCode[code] ?? 0)])
    .filter(([, n]) => n > 0)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ')
  return { judged, codes }
}

async function phase(kind, index) {
  const pubsub = target.host.libp2p.services.pubsub
  const before = await settledMemory()
  const gossipBefore = gossipTotals()
  const configPath = writeFlooderConfig(kind, index)
  const arrivedBefore = arrived
  const child = spawn(process.execPath, [PEER, configPath], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let peerId
  let startedAt
  let done
  let graylistedAfterMs = null
  let minScore = 0
  let peak = { rss: before.rss, heapUsed: before.heapUsed }
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) }
    if (peerId && startedAt !== undefined) {
      const score = pubsub.getScore(peerId)
      minScore = Math.min(minScore, score)
      if (graylistedAfterMs === null && score < SCORE_THRESHOLDS.graylistThreshold) graylistedAfterMs = performance.now() - startedAt
    }
  }, 20)
  const evaluationsBefore = evaluations
  for await (const line of createInterface({ input: child.stdout })) {
    const event = JSON.parse(line)
    if (event.event === 'ready') {
      peerId = event.peerId
      startedAt = performance.now()
    } else if (event.event === 'progress') {
      console.error(`  ${kind}: ${event.sent} sent`)
    } else if (event.event === 'done') {
      done = event
      // what the flooder wrote is still in its buffers and on the wire: wait until node 0 has
      // read all of it (arrivals stop), then let the flooder go
      let last = -1
      for (let waited = 0; arrived !== last && waited < 60_000; waited += 500) {
        last = arrived
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      child.stdin.end()
    }
  }
  await exited
  clearInterval(sampler)
  const endedAt = performance.now()
  const { judged, codes } = judgedSince(gossipBefore)
  const after = await settledMemory()
  // status still answers, and evaluation still happens, under the flood
  const status = target.status()
  const honest = delivery(startedAt, endedAt)
  return {
    kind,
    sent: done?.sent ?? 0,
    // the node hung up on the flooder before it could send everything
    cutOff: (done?.failed ?? 0) > 0,
    arrived: arrived - arrivedBefore,
    rate: Math.round(((arrived - arrivedBefore) * 1000) / Math.max(1, lastArrivalAt - startedAt)),
    judged,
    codes,
    before,
    peak,
    after,
    graylistedAfterMs,
    minScore,
    honest,
    evaluated: evaluations - evaluationsBefore,
    round: status.round,
  }
}

const rows = []
try {
  // a formed mesh and a first round under way before anything is measured
  const deadline = Date.now() + 30_000
  while (nodes.some((n) => n.status().peers < NODES - 1) || published.length === 0) {
    if (Date.now() > deadline) throw new Error('the swarm did not form within 30 s')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  for (const [i, kind] of KINDS.entries()) {
    console.error(`phase ${kind}`)
    rows.push(await phase(kind, i))
  }
} finally {
  await swarm.stop()
  rmSync(dir, { recursive: true, force: true })
}

printTable(
  `Gossip flood: ${MESSAGES} messages per phase into node 0 of ${NODES} honest nodes (${ROUND_MS / 1000} s rounds)`,
  [
    'Phase',
    'Sent',
    'Arrived',
    'Arrived/s',
    'Validated',
    'Rejected',
    'Ignored',
    'Graylisted',
    'Cut off',
    'Heap before',
    'Heap peak',
    'Heap after GC',
    'RSS before',
    'RSS peak',
    'RSS after',
    'Honest delivery',
    'Rounds evaluated',
  ],
  rows.map((r) => [
    r.kind,
    r.sent,
    r.arrived,
    r.rate,
    r.judged.accepted + r.judged.rejected + r.judged.ignored,
    r.judged.rejected,
    r.judged.ignored,
    r.graylistedAfterMs === null ? `no (min score ${r.minScore.toFixed(0)})` : `after ${(r.graylistedAfterMs / 1000).toFixed(2)} s`,
    r.cutOff ? 'yes' : 'no',
    MB(r.before.heapUsed),
    MB(r.peak.heapUsed),
    MB(r.after.heapUsed),
    MB(r.before.rss),
    MB(r.peak.rss),
    MB(r.after.rss),
    r.honest.expected === 0 ? '— (none published)' : `${r.honest.got}/${r.honest.expected}`,
    r.evaluated,
  ]),
  'lrrrrrrllrrrrrrlr',
)
for (const r of rows) console.log(`   ${r.kind}: ${r.codes || 'no verdicts (all dropped before validation)'}`)
console.log(
  '   Sent < FLOOD_MESSAGES: node 0 hung up on the flooder (Cut off) before it was done. Arrived = messages that reached node 0; Validated = those its',
  'validators judged (accepted counts the honest ones of the same time); the rest gossipsub dropped first (graylisted sender, topic',
  "outside the network). Memory is this whole process (the honest nodes and the fake providers), not the flooder's; heap after",
  "GC still holds gossipsub's seen caches of the phase (2 min TTL).",
)
