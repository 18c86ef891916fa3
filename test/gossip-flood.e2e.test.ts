import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type RoguePeer, type Swarm, startRoguePeer, startSwarm } from '@spark-swarm/devnet'
import { IGNORE_BUDGET_DEFAULTS, SCORE_THRESHOLDS, type ScoredGossipSub } from '@spark-swarm/node'
import { encodeSignedMeasurement, roundAt } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Bounded memory under a message flood (issue 7, resource safety). A rogue peer writes gossip
// RPCs straight onto its stream to a real checker node, as fast as the node reads them, of the
// two kinds gossipsub let through without ever scoring the sender down: valid-looking
// measurements of a future round (Ignored) and messages on topics outside the network (no
// validator at all). Each message sat in gossipsub's seen caches for 2 minutes, about 0.7 KB
// apiece: 20,000 of them kept ~25 MB alive, and a flooder at wire speed, gigabytes.
const FLOOD = 20_000
/** Heap still in use after the flood and a full GC, above the baseline. Before the fix: ~25 MB. */
const HEAP_GROWTH_BOUND = 10 * 1024 * 1024
const ROUND_MS = 3_000

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

let swarm: Swarm
const rogues: RoguePeer[] = []

beforeAll(async () => {
  swarm = await startSwarm({
    nodes: 1,
    seed: 'gossip flood',
    blocksPerProvider: 2,
    providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    params: { roundDurationMs: ROUND_MS, gracePeriodMs: 500, maxTasksPerNode: 2, minCommitteeSize: 1, committeeShards: 2 },
  })
}, 30_000)

afterAll(async () => {
  await Promise.allSettled(rogues.map((r) => r.stop()))
  await swarm?.stop()
})

async function heapAfterGc(): Promise<number> {
  let last = Number.POSITIVE_INFINITY
  for (let i = 0; i < 8; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
    const used = process.memoryUsage().heapUsed
    if (used > last * 0.99) return used
    last = used
  }
  return process.memoryUsage().heapUsed
}

/** Writes `count` messages from `rogue` to the node, pacing only on the stream's buffer (gossipsub resets it past 4 MB). */
async function flood(rogue: RoguePeer, count: number, message: (i: number) => { topic: string; data: Uint8Array }) {
  const target = swarm.nodes[0]!.peerId
  const pubsub = rogue.pubsub as unknown as {
    streamsOutbound: Map<string, { rawStream: { writeBufferLength: number } }>
    sendRpc(peer: string, rpc: unknown): boolean
  }
  let sent = 0
  while (sent < count) {
    const stream = pubsub.streamsOutbound.get(target)
    if (!stream) break
    const messages = Array.from({ length: Math.min(16, count - sent) }, (_, k) => message(sent + k))
    if (pubsub.sendRpc(target, { subscriptions: [], messages })) sent += messages.length
    while (stream.rawStream.writeBufferLength > 256 * 1024) await new Promise((resolve) => setTimeout(resolve, 2))
    if (sent % 1024 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  return sent
}

async function joinedRogue(seed: string): Promise<RoguePeer> {
  const rogue = await startRoguePeer({ params: swarm.params, catalogue: swarm.world.catalogue, seed })
  rogues.push(rogue)
  await rogue.join(swarm.nodes[0]!.multiaddrs().filter((a) => a.includes('/p2p/')))
  return rogue
}

const totals = () => {
  const { gossip } = swarm.nodes[0]!.status()
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)
  return { validated: sum(gossip.accepted) + sum(gossip.rejected) + sum(gossip.ignored), ignored: gossip.ignored }
}

describe('a gossip flood', () => {
  it(`of ${FLOOD} future-round measurements and ${FLOOD} off-network messages leaves the heap within ${HEAP_GROWTH_BOUND / 2 ** 20} MB, the flooder graylisted and the node working`, async () => {
    const node = swarm.nodes[0]!
    const pubsub = node.host?.libp2p.services.pubsub as unknown as ScoredGossipSub
    const ignoring = await joinedRogue('flood: future rounds')
    const offNetwork = await joinedRogue('flood: other topics')
    const baseline = await heapAfterGc()
    const before = totals()
    let lowestScore = 0
    const sampler = setInterval(() => {
      lowestScore = Math.min(lowestScore, pubsub.getScore(ignoring.peerId))
    }, 20)

    const round = roundAt(swarm.params, Date.now())
    const view = ignoring.roundView(round)
    const signature = new Uint8Array(64)
    const sentFuture = await flood(ignoring, FLOOD, (i) => {
      const task = view.mine[i % view.mine.length]!
      const m = ignoring.measurement(round + 10, task, { startAt: 1 + i, endAt: 2 + i })
      return { topic: ignoring.topicOf(view, task), data: encodeSignedMeasurement({ ...m, signature }) }
    })
    const sentOff = await flood(offNetwork, FLOOD, (i) => ({ topic: `/flood/${i % 100}`, data: new Uint8Array(200).fill(i % 256) }))
    // the node has read what it is going to read once its counters stop moving
    let last = -1
    while (totals().validated !== last) {
      last = totals().validated
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    clearInterval(sampler)
    const after = totals()
    const growth = (await heapAfterGc()) - baseline
    console.log(
      `flood: ${sentFuture} future-round and ${sentOff} off-network messages sent; ${after.validated - before.validated} validated; ` +
        `heap +${(growth / 2 ** 20).toFixed(1)} MB after GC; lowest score of the flooder ${lowestScore.toFixed(0)}`,
    )

    // the flood ran well past the budget, unless the node cut the flooder off first (a node may
    // drop the connection of a graylisted peer)
    const cutOff = !node.host?.libp2p.getPeers().some((p) => p.toString() === ignoring.peerId)
    expect(sentFuture === FLOOD || cutOff).toBe(true)
    expect(sentFuture).toBeGreaterThan(IGNORE_BUDGET_DEFAULTS.burst)
    expect(sentOff).toBe(FLOOD)
    expect(growth).toBeLessThan(HEAP_GROWTH_BOUND)
    // Ignored messages past the budget cost their sender: it was graylisted long before the end
    expect(after.ignored.IGNORE_BUDGET_EXCEEDED ?? 0).toBeGreaterThan(0)
    expect(lowestScore).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold)
    expect(after.validated - before.validated).toBeLessThan(IGNORE_BUDGET_DEFAULTS.burst + 0.5 * FLOOD)
    expect(after.validated - before.validated).toBeLessThanOrEqual(sentFuture + 1_000)
    // off-network messages never reach a validator, and the node does not judge them either
    expect(pubsub.getScore(offNetwork.peerId)).toBeGreaterThanOrEqual(0)

    // the node still answers and still evaluates rounds
    expect(node.status().peers).toBeGreaterThanOrEqual(1)
    const evaluated = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no round evaluated within 3 rounds after the flood')), 3 * ROUND_MS)
      node.addEventListener(
        'round:evaluated',
        (e) => {
          clearTimeout(timer)
          resolve(e.detail.round)
        },
        { once: true },
      )
    })
    expect(evaluated).toBeGreaterThanOrEqual(round - 1)
  }, 30_000)
})
