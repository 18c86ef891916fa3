import {
  ATTACKS,
  type AttackKind,
  type DeliveryTracker,
  quantile,
  type Spammer,
  type Swarm,
  startRoguePeer,
  startSpammer,
  startSwarm,
  trackDelivery,
} from '@spark-swarm/devnet'
import { SCORE_THRESHOLDS, type ScoredGossipSub } from '@spark-swarm/node'
import { roundAt, roundStartTime, taskId } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SwarmWatch, watchSwarm } from './swarm-watch.js'

// 6 honest nodes on 6 tasks (K = 3, two shards), then one spammer per kind of invalid message
// sending a new one every 20 ms for a whole round. The honest nodes must reject every kind with
// its code, score the spammers down and prune them, and still deliver every honest measurement.
const HONEST = 6
const ROUND_MS = 4_000

let swarm: Swarm
let delivery: DeliveryTracker
let watch: SwarmWatch

beforeAll(async () => {
  swarm = await startSwarm({
    nodes: HONEST,
    seed: 'byzantine spam',
    blocksPerProvider: 2,
    providers: [
      { minerId: 'f01000', profile: { kind: 'healthy' } },
      { minerId: 'f03000', profile: { kind: 'http-5xx', status: 503 } },
      { minerId: 'f05000', profile: { kind: 'healthy' } },
    ],
    params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: 3, minCommitteeSize: 2, committeeShards: 2 },
  })
  delivery = trackDelivery(swarm.nodes)
  watch = watchSwarm(swarm.nodes)
}, 60_000)

afterAll(async () => {
  delivery?.stop()
  await swarm?.stop()
}, 30_000)

const evaluatedByAll = (round: number) => watch.evaluatedBy(round, HONEST, 4 * ROUND_MS + 10_000)

/**
 * Every honest measurement of the round reached every other member of its committee: each node's
 * committee of a task holds exactly the honest stations assigned that task.
 */
async function expectCompleteDelivery(round: number): Promise<void> {
  const view = await startRoguePeer({ params: swarm.params, catalogue: swarm.world.catalogue, seed: 'view only' })
  try {
    const { selector } = view.roundView(round)
    const members = new Map<string, number>()
    for (const node of swarm.nodes) {
      for (const t of selector.pick(node.stationId, swarm.params.maxTasksPerNode)) members.set(taskId(t), (members.get(taskId(t)) ?? 0) + 1)
    }
    for (const [i, detail] of watch.evaluated.get(round) ?? []) {
      for (const task of detail.mine) {
        const c = detail.evaluation.committees.find((x) => taskId(x.task) === taskId(task))
        const why = `node ${i} round ${round}: gossip ${JSON.stringify(swarm.nodes[i]?.status().gossip)}`
        expect([i, taskId(task), c?.size], why).toEqual([i, taskId(task), members.get(taskId(task))])
      }
    }
  } finally {
    await view.stop()
  }
}

function honestLatencies(round: number): number[] {
  const honest = new Set(swarm.nodes.map((n) => n.stationId))
  return delivery.ofRound(round, honest).map((d) => d.latencyMs)
}

describe('a swarm under gossip spam', () => {
  let before = -1

  it('delivers every honest measurement before the attack', async () => {
    // two rounds in, so that the spammers' "two rounds ago" exists
    before = Math.max(0, roundAt(swarm.params, Date.now())) + 2
    await evaluatedByAll(before)
    await expectCompleteDelivery(before)
  }, 60_000)

  it('rejects each kind of invalid message with its code, prunes the senders and still delivers every honest measurement', async () => {
    const bootstrap = swarm.nodes.map((n) => n.multiaddrs().find((a) => a.includes('/p2p/')) as string)
    const kinds = Object.keys(ATTACKS) as AttackKind[]
    const rejectedBefore = swarm.nodes.map((n) => ({ ...n.status().gossip.rejected }))
    const spammers: Spammer[] = []
    try {
      const started = await Promise.allSettled(
        kinds.map((kind, i) =>
          startSpammer({
            kind,
            params: swarm.params,
            catalogue: swarm.world.catalogue,
            seed: `spammer ${kind}`,
            inetGroup: `203.0.${i}.0/24`,
            bootstrap,
          }),
        ),
      )
      for (const r of started) if (r.status === 'fulfilled') spammers.push(r.value)
      for (const r of started) if (r.status === 'rejected') throw r.reason
      // a whole round under attack, from its start to its evaluation
      const during = roundAt(swarm.params, Date.now()) + 1
      await new Promise((r) => setTimeout(r, Math.max(0, roundStartTime(swarm.params, during) - Date.now())))
      await evaluatedByAll(during)
      for (const s of spammers) expect([s.kind, s.sent.delivered > 0]).toEqual([s.kind, true])

      // every kind was rejected with its own code, by the nodes it reached
      const newlyRejected = (code: string) =>
        swarm.nodes.reduce((sum, n, i) => sum + (n.status().gossip.rejected[code] ?? 0) - (rejectedBefore[i]?.[code] ?? 0), 0)
      for (const kind of kinds) expect([kind, newlyRejected(ATTACKS[kind]) > 0]).toEqual([kind, true])

      // each spammer is scored below the graylist threshold where it was heard, and in no mesh
      for (const s of spammers) {
        const scores = swarm.nodes.map((n) => (n.host?.libp2p.services.pubsub as unknown as ScoredGossipSub).getScore(s.peer.peerId))
        expect([s.kind, Math.min(...scores) < SCORE_THRESHOLDS.graylistThreshold]).toEqual([s.kind, true])
        expect([s.kind, Math.max(...scores) <= 0]).toEqual([s.kind, true])
        // and the nodes that graylisted it hung up on it and refuse it for now
        swarm.nodes.forEach((n, i) => {
          if ((scores[i] as number) >= SCORE_THRESHOLDS.graylistThreshold) return
          expect([s.kind, i, n.host?.libp2p.getPeers().some((p) => p.toString() === s.peer.peerId)]).toEqual([s.kind, i, false])
        })
        for (const n of swarm.nodes) {
          const pubsub = n.host?.libp2p.services.pubsub as unknown as ScoredGossipSub
          for (const topic of pubsub.getTopics()) {
            expect([s.kind, pubsub.getMeshPeers(topic).includes(s.peer.peerId)]).toEqual([s.kind, false])
          }
        }
      }

      // honest delivery is unaffected: complete, and nothing from a spammer counted
      await expectCompleteDelivery(during)
      const spam = new Set(spammers.map((s) => s.peer.key.stationId))
      for (const detail of watch.evaluated.get(during)?.values() ?? []) {
        expect(detail.evaluation.measurements.some((m) => spam.has(m.stationId))).toBe(false)
      }
      const p99 = (r: number) => quantile(honestLatencies(r), 0.99)
      const sent = spammers.reduce((n, s) => n + s.sent.total, 0)
      console.info(`honest delivery p99: ${p99(before).toFixed(0)} ms before, ${p99(during).toFixed(0)} ms during ${sent} spam messages`)
      expect(honestLatencies(during).length).toBeGreaterThan(0)
    } finally {
      await Promise.all(spammers.map((s) => s.stop()))
    }
  }, 60_000)
})
