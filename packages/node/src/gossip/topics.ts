import { committeeShard, type ProtocolParams, type RetrievalTask } from '@spark-swarm/protocol'

/*
 * Topic strings are built and parsed here and nowhere else (STYLE.md, Gossip):
 *   /spark-swarm/<protocolVersion>/<network>/measurements/<shard>   measurements of one committee shard
 *   /spark-swarm/<protocolVersion>/<network>/summaries              attestations of committee results
 * Version and network are in the topic, so networks and protocol versions never share a mesh.
 */

/** The kinds of gossip message: one per topic family. */
export const GossipKind = {
  measurement: 'measurement',
  attestation: 'attestation',
} as const
export type GossipKind = (typeof GossipKind)[keyof typeof GossipKind]

export interface ParsedTopic {
  kind: GossipKind
  network: string
  version: number
  /** Set for measurement topics only. */
  shard?: number
}

const PREFIX = '/spark-swarm/'
// same rules as params.network and params.protocolVersion; numbers without leading zeros, so
// each topic has exactly one spelling. The rest of the topic is the kind's family (TOPIC_FAMILIES).
const TOPIC_HEAD = /^\/spark-swarm\/([1-9][0-9]{0,8})\/([a-z0-9][a-z0-9-]{0,62})\/(.*)$/
const SHARD_PATH = /^measurements\/(0|[1-9][0-9]{0,8})$/

type NetworkParams = Pick<ProtocolParams, 'protocolVersion' | 'network' | 'committeeShards'>

/** One kind's topics: every topic it has on a network, and how the path after the network reads. */
interface TopicFamily {
  topics(params: NetworkParams): string[]
  /** The fields the path adds to a ParsedTopic; undefined when the path is not of this family. */
  parsePath(path: string): { shard?: number } | undefined
}

// a kind added to GossipKind fails to compile here until its topics are defined
const TOPIC_FAMILIES: { [K in GossipKind]: TopicFamily } = {
  measurement: {
    topics: (params) => measurementTopics(params),
    parsePath(path) {
      const m = SHARD_PATH.exec(path)
      return m ? { shard: Number(m[1]) } : undefined
    },
  },
  attestation: {
    topics: (params) => [summariesTopic(params)],
    parsePath: (path) => (path === 'summaries' ? {} : undefined),
  },
}

/** Every kind, in the order of GossipKind (measurement first). */
export const GOSSIP_KINDS: readonly GossipKind[] = Object.freeze(Object.values(GossipKind))

/**
 * The measurement topic of committee shard `shard` (`0 ≤ shard < params.committeeShards`).
 *
 * @example
 * measurementTopic(devnet, 1) // '/spark-swarm/1/devnet/measurements/1'
 */
export function measurementTopic(params: Pick<ProtocolParams, 'protocolVersion' | 'network' | 'committeeShards'>, shard: number): string {
  if (!Number.isSafeInteger(shard) || shard < 0 || shard >= params.committeeShards) {
    throw new RangeError(`shard must be an integer in [0, ${params.committeeShards}), got ${shard}`)
  }
  return `${PREFIX}${params.protocolVersion}/${params.network}/measurements/${shard}`
}

/** The topic of summary attestations. */
export function summariesTopic(params: Pick<ProtocolParams, 'protocolVersion' | 'network'>): string {
  return `${PREFIX}${params.protocolVersion}/${params.network}/summaries`
}

/** Every measurement shard topic of the network, shard 0 first. */
export function measurementTopics(params: Pick<ProtocolParams, 'protocolVersion' | 'network' | 'committeeShards'>): string[] {
  return Array.from({ length: params.committeeShards }, (_, shard) => measurementTopic(params, shard))
}

/**
 * The measurement topics a node subscribes to: the shards of its own tasks' committees
 * (`committeeShard(task, seeds.nodeSelection, C)`), without repeats, in shard order.
 */
export function measurementTopicsForTasks(params: ProtocolParams, nodeSelectionSeed: string, tasks: readonly RetrievalTask[]): string[] {
  const shards = new Set(tasks.map((t) => committeeShard(t, nodeSelectionSeed, params.committeeShards)))
  return [...shards].sort((a, b) => a - b).map((shard) => measurementTopic(params, shard))
}

/**
 * Every topic of the network, kind by kind: the measurement shards (shard 0 first), then the
 * summaries topic. The topics a node validates, scores and allows.
 */
export function gossipTopics(params: NetworkParams): string[] {
  return GOSSIP_KINDS.flatMap((kind) => TOPIC_FAMILIES[kind].topics(params))
}

/** Reads a topic built by this module; undefined for anything else (another app's topic, a typo). */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const m = typeof topic === 'string' ? TOPIC_HEAD.exec(topic) : null
  if (!m) return undefined
  const version = Number(m[1])
  const network = m[2] as string
  for (const kind of GOSSIP_KINDS) {
    const fields = TOPIC_FAMILIES[kind].parsePath(m[3] as string)
    if (fields) return { kind, network, version, ...fields }
  }
  return undefined
}
