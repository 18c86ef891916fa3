import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import {
  committeeShard,
  encodeSignedMeasurement,
  type RetrievalTask,
  type SignedMeasurement,
  type StationKey,
  sha256,
  signMeasurement,
} from '@spark-swarm/protocol'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createGossipMetrics,
  createGossipsubService,
  type GossipMetrics,
  gossipValidators,
  measurementTopic,
  measurementTopics,
  registerValidators,
  SCORE_THRESHOLDS,
  type ScoredGossipSub,
} from '../src/gossip/index.js'
import { assigned, CURRENT_ROUND, findStation, measurement, params, roundInfo, station, validationContext } from './gossip-fixtures.js'
import { waitFor } from './helpers/wait-for.js'

type Node = Libp2p<{ identify: unknown; ping: unknown; pubsub: ScoredGossipSub }>

const topics = measurementTopics(params)
let nodes: Node[] = []

afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  nodes = []
})

/** A libp2p host on 127.0.0.1 whose peer identity is the station key (DESIGN §3). */
async function startNode(seedLabel: string): Promise<Node> {
  const node = await createLibp2p({
    privateKey: await generateKeyPairFromSeed('Ed25519', sha256(seedLabel)),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: createGossipsubService(params, {
        loopback: true,
        // tests: a gentler P4 so that each of the distinct invalid messages is still validated
        // (and counted) before the sender is graylisted, and no decay to speak of during the test
        topicScoreParams: { invalidMessageDeliveriesWeight: -1, invalidMessageDeliveriesDecay: 0.99 },
      }),
    },
  })
  nodes.push(node)
  return node
}

function total(map: Map<string, number>): number {
  let n = 0
  for (const v of map.values()) n += v
  return n
}

/** Connects every pair, subscribes all to every shard topic, waits until everyone sees everyone. */
async function meshUp(all: Node[]): Promise<void> {
  for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) await a.dial(b.getMultiaddrs())
  for (const n of all) for (const t of topics) n.services.pubsub.subscribe(t)
  // the first publish after connecting is lost unless both sides saw the subscription (STACK.md)
  await waitFor(
    () =>
      all.every((n) =>
        topics.every((t) => {
          const subs = n.services.pubsub.getSubscribers(t).map(String)
          return all.every((o) => o === n || subs.includes(o.peerId.toString())) && n.services.pubsub.getMeshPeers(t).length > 0
        }),
      ),
    'subscriptions and meshes on every shard topic',
  )
}

function topicOf(round: number, task: RetrievalTask): string {
  return measurementTopic(params, committeeShard(task, roundInfo(round).seeds.nodeSelection, params.committeeShards))
}

function sign(round: number, key: StationKey, task: RetrievalTask, overrides = {}): SignedMeasurement {
  return signMeasurement(measurement(round, key, task, overrides), key)
}

describe('gossip between real libp2p hosts on loopback', () => {
  it('a node alone publishes without throwing', async () => {
    const node = await startNode('alone')
    const key = station(1)
    const task = assigned(CURRENT_ROUND, key)[0]!
    const result = await node.services.pubsub.publish(topicOf(CURRENT_ROUND, task), encodeSignedMeasurement(sign(CURRENT_ROUND, key, task)))
    expect(result.recipients).toEqual([])
  })

  it('delivers an honest measurement; rejects forged, replayed, wrong-round, wrong-node and wrong-topic ones and graylists their sender', async () => {
    // the honest station has a task assigned in this round and in the previous one: a replay of its
    // measurement into the previous round passes every check but the signature
    const honest = findStation((k) =>
      assigned(CURRENT_ROUND, k).find((t) => assigned(CURRENT_ROUND - 1, k).some((u) => u.cid === t.cid && u.minerId === t.minerId)),
    )
    // the malicious station has a task of this round that the previous round does not have
    const malicious = findStation((k) => {
      if (k.stationId === honest.key.stationId) return undefined
      const previous = new Set(roundInfo(CURRENT_ROUND - 1).tasks.map((t) => t.cid))
      return assigned(CURRENT_ROUND, k).find((t) => !previous.has(t.cid))
    })
    const seedOf = (k: StationKey) => `station ${k.stationId}`
    const a = await startNode(seedOf(honest.key))
    const b = await startNode('receiver b')
    const c = await startNode('receiver c')
    const m = await startNode(seedOf(malicious.key))
    const honestNodes = [a, b, c]

    const metrics = new Map<Node, GossipMetrics>()
    const received = new Map<Node, Uint8Array[]>()
    for (const n of honestNodes) {
      metrics.set(
        n,
        registerValidators(n.services.pubsub, gossipValidators(validationContext()), { topics, metrics: createGossipMetrics() }),
      )
      received.set(n, [])
      n.services.pubsub.addEventListener('message', (event) => received.get(n)?.push(event.detail.data))
    }
    await meshUp([a, b, c, m])

    // honest: station A's measurement of its own task, on its committee's shard
    const good = sign(CURRENT_ROUND, honest.key, honest.found)
    const goodBytes = encodeSignedMeasurement(good)
    await a.services.pubsub.publish(topicOf(CURRENT_ROUND, honest.found), goodBytes)
    await waitFor(() => [b, c].every((n) => received.get(n)?.length === 1), 'delivery of the honest measurement to B and C')
    expect(Buffer.from(received.get(b)?.[0] ?? []).equals(Buffer.from(goodBytes))).toBe(true)

    // malicious: each message breaks one rule
    const own = malicious.found
    const notMine = roundInfo(CURRENT_ROUND).tasks.find((t) => !assigned(CURRENT_ROUND, malicious.key).some((u) => u.cid === t.cid))!
    const otherShard = measurementTopic(params, (committeeShard(own, roundInfo(CURRENT_ROUND).seeds.nodeSelection, 2) + 1) % 2)
    const attacks: Array<{ name: string; topic: string; m: SignedMeasurement; code: string; action: 'rejected' | 'ignored' }> = [
      {
        name: 'forged signature',
        topic: topicOf(CURRENT_ROUND, honest.found),
        m: { ...good, endAt: (good.endAt ?? 0) + 1, retrievalResult: good.retrievalResult },
        code: 'INVALID_SIGNATURE',
        action: 'rejected',
      },
      {
        name: 'replayed into another round',
        topic: topicOf(CURRENT_ROUND - 1, honest.found),
        m: { ...good, round: CURRENT_ROUND - 1 },
        code: 'INVALID_SIGNATURE',
        action: 'rejected',
      },
      {
        name: 'wrong round (a task the claimed round does not have)',
        topic: topicOf(CURRENT_ROUND, own),
        m: sign(CURRENT_ROUND - 1, malicious.key, own),
        code: 'TASK_NOT_IN_ROUND',
        action: 'rejected',
      },
      {
        name: 'wrong node',
        topic: topicOf(CURRENT_ROUND, notMine),
        m: sign(CURRENT_ROUND, malicious.key, notMine),
        code: 'TASK_WRONG_NODE',
        action: 'rejected',
      },
      { name: 'wrong topic', topic: otherShard, m: sign(CURRENT_ROUND, malicious.key, own), code: 'WRONG_TOPIC', action: 'rejected' },
      {
        name: 'future round (no proof of malice: ignored, not penalised)',
        topic: topicOf(CURRENT_ROUND, own),
        m: sign(CURRENT_ROUND + 1, malicious.key, own),
        code: 'ROUND_NOT_STARTED',
        action: 'ignored',
      },
    ]
    const attackBytes = attacks.map((x) => encodeSignedMeasurement(x.m))
    for (const [i, x] of attacks.entries()) await m.services.pubsub.publish(x.topic, attackBytes[i] as Uint8Array)

    const expected = { rejected: new Map<string, number>(), ignored: new Map<string, number>() }
    for (const x of attacks) expected[x.action].set(x.code, (expected[x.action].get(x.code) ?? 0) + 1)
    for (const n of honestNodes) {
      const seen = metrics.get(n) as GossipMetrics
      await waitFor(() => total(seen.rejected) + total(seen.ignored) === attacks.length, `validation of every attack at ${n.peerId}`)
      expect(seen.rejected).toEqual(expected.rejected)
      expect(seen.ignored).toEqual(expected.ignored)
    }
    for (const n of [b, c]) {
      expect(metrics.get(n)?.accepted.get('measurement')).toBe(1)
      // nothing but the honest measurement reached the application
      expect(received.get(n)?.map((d) => Buffer.from(d).toString('hex'))).toEqual([Buffer.from(goodBytes).toString('hex')])
    }

    // keep sending invalid messages until B graylists the sender
    const pubsub = b.services.pubsub
    const mId = m.peerId.toString()
    const graylisted = () => pubsub.getScore(mId) < SCORE_THRESHOLDS.graylistThreshold
    let sent = 0
    while (!graylisted() && sent < 40) {
      const before = total((metrics.get(b) as GossipMetrics).rejected)
      const forged = { ...good, signature: new Uint8Array(64).fill(sent + 1) }
      await m.services.pubsub.publish(topicOf(CURRENT_ROUND, honest.found), encodeSignedMeasurement(forged))
      sent++
      // counted, or dropped unvalidated because the sender is graylisted already
      await waitFor(() => total((metrics.get(b) as GossipMetrics).rejected) > before || graylisted(), 'rejection of a forged message')
    }
    await waitFor(graylisted, 'the malicious peer falling below the graylist threshold at B')
    const score = pubsub.getScore(mId)
    console.info(
      `malicious peer score at B: ${score.toFixed(2)} (graylist threshold ${SCORE_THRESHOLDS.graylistThreshold}) after ${total((metrics.get(b) as GossipMetrics).rejected)} rejected messages`,
    )
    expect(score).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold)
    // honest peers keep a non-negative score
    expect(pubsub.getScore(a.peerId.toString())).toBeGreaterThanOrEqual(0)
    expect(pubsub.getScore(c.peerId.toString())).toBeGreaterThanOrEqual(0)
  })
})
