import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { GossipsubOpts } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { addBehaviourPenalty, scoredGossipsub } from '../src/gossip/gossipsub-internals.js'
import { gossipsubOptions, isDuplicatePublishError, measurementTopic, type ScoredGossipSub } from '../src/gossip/index.js'
import { params } from './gossip-fixtures.js'
import { waitFor } from './helpers/wait-for.js'

/*
 * The gossipsub internals adapter (gossip/gossipsub-internals.ts) against the real library: each
 * test here fails if @libp2p/gossipsub changes what the adapter relies on.
 */

type Node = Libp2p<{ identify: unknown; pubsub: ScoredGossipSub }>

const topic = measurementTopic(params, 0)
let nodes: Node[] = []

afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  nodes = []
})

/** A host with the node's gossipsub options, and `overrides` of them. */
async function startNode(overrides: Partial<GossipsubOpts> = {}): Promise<Node> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: scoredGossipsub({ ...gossipsubOptions(params, { loopback: true }), ...overrides }) },
  })
  nodes.push(node)
  return node
}

describe('gossipsub internals the node relies on', () => {
  it('the service is the class with getScore and getMeshPeers', async () => {
    const node = await startNode()
    expect(typeof node.services.pubsub.getScore).toBe('function')
    expect(typeof node.services.pubsub.getMeshPeers).toBe('function')
    expect(node.services.pubsub.getMeshPeers(topic)).toEqual([])
  }, 20_000)

  it('publishing the same message twice fails with an error isDuplicatePublishError recognises; other publish errors it does not', async () => {
    const node = await startNode()
    const data = new TextEncoder().encode('the same message twice')
    await node.services.pubsub.publish(topic, data)
    const duplicate = await node.services.pubsub.publish(topic, data).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(duplicate).toBeInstanceOf(Error)
    expect(isDuplicatePublishError(duplicate)).toBe(true)
    // a lone node that may not publish to nobody fails with another error
    const strict = await startNode({ allowPublishToZeroTopicPeers: false })
    const alone = await strict.services.pubsub.publish(topic, data).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(alone).toBeInstanceOf(Error)
    expect(isDuplicatePublishError(alone)).toBe(false)
  }, 20_000)

  it('a behaviour penalty lowers the peer’s score', async () => {
    const [a, b] = [await startNode(), await startNode()]
    await a.dial(b.getMultiaddrs())
    const peer = b.peerId.toString()
    // gossipsub tracks a peer's score once the pubsub streams are up
    await waitFor(() => a.services.pubsub.getPeers().some((p) => p.toString() === peer), 'the peer in gossipsub')
    const before = a.services.pubsub.getScore(peer)
    for (let i = 0; i < 3; i++) addBehaviourPenalty(a.services.pubsub, peer, 'test')
    // scores are cached for a heartbeat or so
    await waitFor(() => a.services.pubsub.getScore(peer) < before, 'a lower score')
    expect(a.services.pubsub.getScore(peer)).toBeLessThan(0)
  }, 20_000)
})
