import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import {
  attestationTopic,
  createGossipsubService,
  identityFromSeed,
  measurementTopic,
  measurementTopics,
  type ScoredGossipSub,
} from '@spark-swarm/node'
import {
  type Catalogue,
  committeeShard,
  deriveRoundSeeds,
  localBeaconRandomness,
  type Measurement,
  type ProtocolParams,
  type RetrievalTask,
  type RoundSeeds,
  retrievalResultOf,
  type StationKey,
  sampleRoundTasks,
  sha256,
  TaskSelector,
} from '@spark-swarm/protocol'
import { createLibp2p, type Libp2p } from 'libp2p'

export interface RoguePeerOptions {
  params: ProtocolParams
  catalogue: Catalogue
  /** Derives the peer's key: the same seed gives the same station id. */
  seed: string
  /** The inet group its measurements claim; default `192.0.2.0/24` (TEST-NET-1). */
  inetGroup?: string
}

/** What a peer knows of a round of a local-beacon network: everyone can derive it. */
export interface RogueRoundView {
  round: number
  seeds: RoundSeeds
  tasks: RetrievalTask[]
  selector: TaskSelector
  /** This peer's own tasks (its K nearest). */
  mine: RetrievalTask[]
}

/**
 * A libp2p peer that speaks the swarm's gossip but not its rules: it signs and publishes whatever
 * a test or a bench tells it to (forgeries, replays, lies, floods). The adversary of the devnet;
 * never part of a node.
 */
export interface RoguePeer {
  readonly peerId: string
  readonly key: StationKey
  readonly libp2p: Libp2p
  readonly pubsub: ScoredGossipSub
  /**
   * Dials the nodes and waits until both sides see each other's subscriptions on every
   * measurement topic: gossipsub drops what is published before that (STACK.md, pitfalls).
   */
  join(multiaddrs: string[], timeoutMs?: number): Promise<void>
  /** Tasks, seeds and this peer's assignment of a round (local-beacon networks only). */
  roundView(round: number): RogueRoundView
  /** A well-formed, unsigned measurement of `task` by this peer; `retrievalResult` follows the fields. */
  measurement(round: number, task: RetrievalTask, overrides?: Partial<Measurement>): Measurement
  /** The measurement topic of the task's committee in that round. */
  topicOf(view: RogueRoundView, task: RetrievalTask): string
  /** The attestation topic of the task's committee in that round (spec §12.1). */
  attestationTopicOf(view: RogueRoundView, task: RetrievalTask): string
  /** Publishes raw bytes; resolves to the number of peers they were sent to (0 on failure). */
  publish(topic: string, bytes: Uint8Array): Promise<number>
  stop(): Promise<void>
}

export async function startRoguePeer(options: RoguePeerOptions): Promise<RoguePeer> {
  const { params } = options
  const randomness = params.randomness
  if (randomness.type !== 'local') throw new Error('a rogue peer derives rounds of local-beacon networks only (devnet)')
  const identity = await identityFromSeed(sha256(options.seed))
  const libp2p = await createLibp2p({
    privateKey: identity.privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: createGossipsubService(params, { loopback: true }) },
  })
  const pubsub: ScoredGossipSub = libp2p.services.pubsub
  const topics = measurementTopics(params)
  for (const topic of topics) pubsub.subscribe(topic)
  const stationId = identity.stationKey.stationId

  return {
    peerId: libp2p.peerId.toString(),
    key: identity.stationKey,
    libp2p,
    pubsub,
    join: (addresses, timeoutMs = 10_000) => joinSubscribed(libp2p, pubsub, topics, addresses, timeoutMs),
    roundView: roundViews(options.catalogue, params, randomness.genesisSeed, stationId),
    measurement: (round, task, overrides = {}) =>
      rogueMeasurement(params, { stationId, inetGroup: options.inetGroup ?? '192.0.2.0/24' }, round, task, overrides),
    topicOf(view, task) {
      return measurementTopic(params, committeeShard(task, view.seeds.nodeSelection, params.committeeShards))
    },
    attestationTopicOf(view, task) {
      return attestationTopic(params, committeeShard(task, view.seeds.nodeSelection, params.committeeShards))
    },
    async publish(topic, bytes) {
      try {
        const { recipients } = await pubsub.publish(topic, bytes)
        return recipients.length
      } catch {
        // NoPeersSubscribedToTopic and friends: nothing was sent
        return 0
      }
    },
    async stop() {
      await libp2p.stop()
    },
  }
}

/** Dials the nodes, then waits until it sees their subscriptions to every topic (RoguePeer.join). */
async function joinSubscribed(
  libp2p: Libp2p,
  pubsub: ScoredGossipSub,
  topics: readonly string[],
  addresses: string[],
  timeoutMs: number,
): Promise<void> {
  const peers = await Promise.all(addresses.map((a) => libp2p.dial(multiaddr(a)).then((c) => c.remotePeer.toString())))
  const deadline = Date.now() + timeoutMs
  // our view of their subscriptions; theirs of ours shows up as mesh/topic peers on their side,
  // which we cannot see from here, so we also wait one heartbeat round-trip after ours is complete
  const seesAll = () => topics.every((t) => peers.every((p) => pubsub.getSubscribers(t).some((s) => s.toString() === p)))
  while (!seesAll()) {
    if (Date.now() > deadline) throw new Error(`rogue peer: the nodes' subscriptions did not arrive within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
  await new Promise((r) => setTimeout(r, 500))
}

/** RoguePeer.roundView: rounds derived from the local beacon, the last few kept. */
function roundViews(
  catalogue: Catalogue,
  params: ProtocolParams,
  genesisSeed: string,
  stationId: string,
): (round: number) => RogueRoundView {
  const views = new Map<number, RogueRoundView>()
  return (round) => {
    let view = views.get(round)
    if (!view) {
      const seeds = deriveRoundSeeds(round, localBeaconRandomness(genesisSeed, round))
      const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
      const selector = new TaskSelector(tasks, seeds.nodeSelection)
      view = { round, seeds, tasks, selector, mine: selector.pick(stationId, params.maxTasksPerNode) }
      views.set(round, view)
      if (views.size > 4) views.delete(Math.min(...views.keys()))
    }
    return view
  }
}

/** RoguePeer.measurement: a failed HTTP retrieval (502) unless `overrides` say otherwise. */
function rogueMeasurement(
  params: ProtocolParams,
  station: { stationId: string; inetGroup: string },
  round: number,
  task: RetrievalTask,
  overrides: Partial<Measurement>,
): Measurement {
  const m: Measurement = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task: { cid: task.cid, minerId: task.minerId },
    stationId: station.stationId,
    inetGroup: station.inetGroup,
    checkerVersion: params.minCheckerVersion,
    indexerResult: 'OK',
    protocol: 'http',
    providerId: null,
    providerAddress: null,
    statusCode: 502,
    headStatusCode: null,
    timeout: false,
    carTooLarge: false,
    byteLength: null,
    carChecksum: null,
    startAt: 1,
    firstByteAt: null,
    endAt: 2,
    retrievalResult: '',
    ...overrides,
  }
  if (overrides.retrievalResult === undefined) m.retrievalResult = retrievalResultOf(m)
  return m
}
