import { createHash } from 'node:crypto'
import type { GossipSubComponents, GossipsubOpts } from '@libp2p/gossipsub'
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'
import type { FastMsgIdFn, MsgIdFn } from '@libp2p/gossipsub/types'
import { cidOfDagCbor, type ProtocolParams } from '@spark-swarm/protocol'
import { type ScoredGossipSub, scoredGossipsub } from './gossipsub-internals.js'
import { gossipTopics } from './topics.js'

export interface GossipsubServiceInit {
  /**
   * A devnet on 127.0.0.1: small-mesh parameters, fast heartbeats and no IP-colocation penalty
   * (every peer shares one IP there). Never set it in production.
   */
  loopback: boolean
  /**
   * Which topics get score parameters; penalties only apply on scored topics (STACK.md). An
   * array names them exactly; a predicate filters the defaults. Default: every measurement
   * shard topic and the summaries topic of `params`.
   */
  scoreTopics?: string[] | ((topic: string) => boolean)
  /** Overrides of the per-topic score parameters (tests make penalties bite faster). */
  topicScoreParams?: Partial<TopicScoreParams>
  /** Overrides of the score thresholds. */
  scoreThresholds?: Partial<PeerScoreThresholds>
}

/** Score thresholds: one invalid message puts a peer near gossip, three on the graylist. */
export const SCORE_THRESHOLDS: PeerScoreThresholds = Object.freeze({
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 3,
})

const DECAY_INTERVAL_MS = 1_000
const DECAY_TO_ZERO = 0.01

/** Per-interval decay factor that brings a counter down to DECAY_TO_ZERO of itself over `windowMs`. */
function decayOver(windowMs: number): number {
  return DECAY_TO_ZERO ** (DECAY_INTERVAL_MS / windowMs)
}

/**
 * Per-topic score parameters. Counters are forgotten over about one round (at least a minute):
 * a peer's record is about the round it takes part in.
 */
export function topicScoreParams(params: Pick<ProtocolParams, 'roundDurationMs'>): TopicScoreParams {
  const decay = decayOver(Math.max(params.roundDurationMs, 60_000))
  return {
    topicWeight: 1,
    // P1: +0.01 per second in the mesh, at most +3
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1_000,
    timeInMeshCap: 300,
    // P2: +1 per first delivery of a valid message, at most +10
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: decay,
    firstMessageDeliveriesCap: 10,
    // P3, P3b off: measurements come in one burst a round, so a quiet mesh peer is no failing one
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: decay,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 5_000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: decay,
    // P4: weight × count²: 1 invalid message → -16, 2 → -64 (below publish), 3 → -144 (graylisted)
    invalidMessageDeliveriesWeight: -16,
    invalidMessageDeliveriesDecay: decay,
  }
}

/**
 * Message id: the topic, then the CIDv1 (dag-cbor, sha2-256) of the data, i.e. the measurement's
 * or attestation's CID (DESIGN §3). The topic is part of it because gossipsub's seen-cache spans
 * all topics: otherwise a peer could replay an honest measurement on a wrong shard first, have it
 * rejected there, and make every node drop the real one as already seen.
 */
export const msgIdFn: MsgIdFn = (msg) => {
  const topic = Buffer.from(msg.topic, 'utf8')
  const cid = cidOfDagCbor(msg.data).bytes
  const id = new Uint8Array(topic.length + 1 + cid.length)
  id.set(topic)
  id.set(cid, topic.length + 1)
  return id
}

/**
 * Local duplicate filter, checked before msgIdFn and validation: SHA-256 of topic and data,
 * base64. Collision-resistant, so no peer can make a new message pass for one already seen.
 */
export const fastMsgIdFn: FastMsgIdFn = (msg) =>
  createHash('sha256')
    .update(msg.topic ?? '')
    .update(new Uint8Array([0]))
    .update(msg.data ?? new Uint8Array())
    .digest('base64')

/**
 * The gossipsub options for a network: application-signed messages (StrictNoSign, content-
 * addressed ids), peer scoring on our topics, and devnet mesh parameters when on loopback.
 */
export function gossipsubOptions(params: ProtocolParams, init: GossipsubServiceInit): Partial<GossipsubOpts> {
  const defaults = gossipTopics(params)
  const scored = Array.isArray(init.scoreTopics)
    ? init.scoreTopics
    : typeof init.scoreTopics === 'function'
      ? defaults.filter(init.scoreTopics)
      : defaults
  const topicParams = { ...topicScoreParams(params), ...init.topicScoreParams }
  const scoreParams: Partial<PeerScoreParams> = {
    topics: Object.fromEntries(scored.map((topic) => [topic, { ...topicParams }])),
    // positive contributions stop here; penalties do not
    topicScoreCap: 10,
    // every devnet peer is 127.0.0.1: with the penalty on, delivery drops to 0 past 10 peers (STACK.md)
    IPColocationFactorWeight: init.loopback ? 0 : -5,
    IPColocationFactorThreshold: 10,
    // P7 behaviour penalty: −10 × p², p falling to a fifth every second. gossipsub charges it for
    // broken IWANT promises and GRAFT floods; registerValidators for Ignored messages past a
    // peer's IgnoreBudget. Four at once graylist a peer with full positive credit.
    behaviourPenaltyWeight: -10,
    behaviourPenaltyThreshold: 0,
    behaviourPenaltyDecay: 0.2,
    decayInterval: DECAY_INTERVAL_MS,
    decayToZero: DECAY_TO_ZERO,
  }
  return {
    // measurements and attestations carry their own Ed25519 signatures: no libp2p envelope,
    // so the same data always has the same id wherever it came from
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn,
    fastMsgIdFn,
    emitSelf: false,
    // a node alone (first of a devnet, or cut off) keeps publishing instead of throwing
    allowPublishToZeroTopicPeers: true,
    scoreParams,
    scoreThresholds: { ...SCORE_THRESHOLDS, ...init.scoreThresholds },
    // Messages and subscriptions on any other topic are dropped on arrival. Without this, a
    // message on a topic no validator watches is accepted unchecked into the seen caches and
    // the message cache: a peer could fill memory at wire speed, never scored down.
    allowedTopics: defaults,
    // a peer behind NAT whose hole punch failed is reached only through a relay (a limited
    // connection): its measurements and attestations must still flow there
    runOnLimitedConnection: true,
    ...(init.loopback ? { D: 4, Dlo: 2, Dhi: 8, Dout: 1, Dlazy: 4, heartbeatInterval: 200 } : {}),
  }
}

/**
 * The gossipsub service factory for `createLibp2p({ services: { pubsub: … } })`.
 *
 * @example
 * const node = await createLibp2p({ …, services: { identify: identify(), pubsub: createGossipsubService(devnet, { loopback: true }) } })
 */
export function createGossipsubService(
  params: ProtocolParams,
  init: GossipsubServiceInit,
): (components: GossipSubComponents) => ScoredGossipSub {
  return scoredGossipsub(gossipsubOptions(params, init))
}
