/*
 * Honest gossip delivery before and during a spam attack, on a swarm of real nodes on 127.0.0.1:
 * one spammer per kind of invalid message (forged signatures, replays of older rounds, another
 * network, wrong-node and not-in-round tasks, oversized and malformed bytes) sending as fast as
 * BYZ_INTERVAL_MS allows. Reports, per phase, how many honest measurements reached every committee
 * member and their check-to-peer latency; then what the nodes rejected and what became of the spammers.
 */
import { ATTACKS, quantile, startRoguePeer, startSpammer, startSwarm, trackDelivery } from '../packages/devnet/dist/index.js'
import { SCORE_THRESHOLDS } from '../packages/node/dist/index.js'
import { roundAt, roundStartTime, taskId } from '../packages/protocol/dist/index.js'
import { printTable } from './table.js'

const NODES = Number(process.env.BYZ_NODES ?? 10)
const ROUNDS = Number(process.env.BYZ_ROUNDS ?? 3)
const INTERVAL_MS = Number(process.env.BYZ_INTERVAL_MS ?? 5)
const ROUND_MS = 5_000

const swarm = await startSwarm({
  nodes: NODES,
  seed: 'bench byzantine',
  blocksPerProvider: 4,
  providers: [
    { minerId: 'f01000', profile: { kind: 'healthy' } },
    { minerId: 'f03000', profile: { kind: 'http-5xx', status: 503 } },
    { minerId: 'f05000', profile: { kind: 'healthy' } },
  ],
  params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: 4, minCommitteeSize: 2, committeeShards: 2 },
})
const delivery = trackDelivery(swarm.nodes)
const evaluated = new Map()
swarm.nodes.forEach((node, i) => {
  node.addEventListener('round:evaluated', (e) => {
    const byNode = evaluated.get(e.detail.round) ?? new Map()
    evaluated.set(e.detail.round, byNode.set(i, e.detail))
  })
})
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)))
const untilEvaluated = async (round) => {
  while ((evaluated.get(round)?.size ?? 0) < NODES) await sleep(100)
}
const view = await startRoguePeer({ params: swarm.params, catalogue: swarm.world.catalogue, seed: 'bench view' })
const honest = new Set(swarm.nodes.map((n) => n.stationId))

/** Honest measurements of the round that each committee member holds, over all it should hold. */
function completeness(round) {
  const { selector } = view.roundView(round)
  const members = new Map()
  for (const n of swarm.nodes)
    for (const t of selector.pick(n.stationId, swarm.params.maxTasksPerNode)) members.set(taskId(t), (members.get(taskId(t)) ?? 0) + 1)
  let held = 0
  let expected = 0
  for (const detail of evaluated.get(round)?.values() ?? []) {
    for (const task of detail.mine) {
      const c = detail.evaluation.committees.find((x) => taskId(x.task) === taskId(task))
      held += Math.min(c?.size ?? 0, members.get(taskId(task)) ?? 0)
      expected += members.get(taskId(task)) ?? 0
    }
  }
  return { held, expected }
}

async function phase(name, rounds) {
  const first = roundAt(swarm.params, Date.now()) + 1
  await sleep(roundStartTime(swarm.params, first) - Date.now())
  const last = first + rounds - 1
  await untilEvaluated(last)
  let held = 0
  let expected = 0
  const latencies = []
  for (let r = first; r <= last; r++) {
    const c = completeness(r)
    held += c.held
    expected += c.expected
    latencies.push(...delivery.ofRound(r, honest).map((d) => d.latencyMs))
  }
  return { name, rounds: `${first}–${last}`, held, expected, latencies }
}

const rows = []
try {
  process.stderr.write(`byzantine bench: ${NODES} nodes, ${ROUNDS} rounds per phase\n`)
  await sleep(2 * ROUND_MS)
  rows.push(await phase('before', ROUNDS))
  const rejectedBefore = swarm.nodes.map((n) => ({ ...n.status().gossip.rejected }))
  const bootstrap = swarm.nodes.map((n) => n.multiaddrs().find((a) => a.includes('/p2p/')))
  const spammers = await Promise.all(
    Object.keys(ATTACKS).map((kind, i) =>
      startSpammer({
        kind,
        params: swarm.params,
        catalogue: swarm.world.catalogue,
        seed: `bench spammer ${kind}`,
        inetGroup: `203.0.${i}.0/24`,
        bootstrap,
        intervalMs: INTERVAL_MS,
      }),
    ),
  )
  const rssBefore = process.memoryUsage().rss
  rows.push(await phase('during spam', ROUNDS))
  const rssDuring = process.memoryUsage().rss
  const spamRows = spammers.map((s) => {
    const code = ATTACKS[s.kind]
    const rejected = swarm.nodes.reduce((sum, n, i) => sum + (n.status().gossip.rejected[code] ?? 0) - (rejectedBefore[i][code] ?? 0), 0)
    const scores = swarm.nodes.map((n) => n.host.libp2p.services.pubsub.getScore(s.peer.peerId))
    const graylistedBy = scores.filter((x) => x < SCORE_THRESHOLDS.graylistThreshold).length
    const inMesh = swarm.nodes.filter((n) => {
      const pubsub = n.host.libp2p.services.pubsub
      return pubsub.getTopics().some((t) => pubsub.getMeshPeers(t).includes(s.peer.peerId))
    }).length
    return [s.kind, s.sent.total, code, rejected, `${graylistedBy}/${NODES}`, `${Math.min(...scores).toFixed(0)}`, inMesh]
  })
  await Promise.all(spammers.map((s) => s.stop()))
  printTable(
    `Honest delivery, ${NODES} nodes, ${ROUNDS} rounds of ${ROUND_MS / 1000} s per phase`,
    ['phase', 'rounds', 'honest measurements held', 'complete', 'latency p50 ms', 'p99 ms', 'max ms'],
    rows.map((r) => [
      r.name,
      r.rounds,
      `${r.held}/${r.expected}`,
      `${((100 * r.held) / Math.max(1, r.expected)).toFixed(1)} %`,
      quantile(r.latencies, 0.5).toFixed(0),
      quantile(r.latencies, 0.99).toFixed(0),
      Math.max(...r.latencies).toFixed(0),
    ]),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
  )
  printTable(
    `Spammers (one message every ${INTERVAL_MS} ms each, until the end of the phase)`,
    ['kind', 'sent', 'code', 'rejected (all nodes)', 'graylisted by', 'lowest score', 'in meshes of'],
    spamRows,
    ['l', 'r', 'l', 'r', 'r', 'r', 'r'],
  )
  console.log(
    `\nprocess RSS (${NODES} nodes + spammers): ${(rssBefore / 2 ** 20).toFixed(0)} MB before the spam phase, ${(rssDuring / 2 ** 20).toFixed(0)} MB after it`,
  )
} finally {
  delivery.stop()
  await view.stop()
  await swarm.stop()
}
