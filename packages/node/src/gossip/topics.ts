import { committeeShard, type ProtocolParams, type RetrievalTask } from '@spark-swarm/protocol'

/*
 * Topic strings are built and parsed here and nowhere else (STYLE.md, Gossip):
 *   /spark-swarm/<protocolVersion>/<network>/measurements/<shard>   measurements of one committee shard
 *   /spark-swarm/<protocolVersion>/<network>/attestations/<shard>   attestations of the same shard's committees
 * Version and network are in the topic, so networks and protocol versions never share a mesh.
 * A committee's attestations go to its measurements' shard (spec §12.1), so that what a node
 * receives of either depends on its committees, not on the size of the network.
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
  /** The committee shard the topic carries. */
  shard: number
}

const PREFIX = '/spark-swarm/'
// same rules as params.network and params.protocolVersion; numbers without leading zeros, so
// each topic has exactly one spelling. The rest of the topic is the kind's family (TOPIC_FAMILIES).
const TOPIC_HEAD = /^\/spark-swarm\/([1-9][0-9]{0,8})\/([a-z0-9][a-z0-9-]{0,62})\/(.*)$/
const MEASUREMENT_PATH = /^measurements\/(0|[1-9][0-9]{0,8})$/
const ATTESTATION_PATH = /^attestations\/(0|[1-9][0-9]{0,8})$/

type NetworkParams = Pick<ProtocolParams, 'protocolVersion' | 'network' | 'committeeShards'>

/** One kind's topics: every topic it has on a network, and how the path after the network reads. */
interface TopicFamily {
  topics(params: NetworkParams): string[]
  /** The shard the path names; undefined when the path is not of this family. */
  shardOf(path: string): number | undefined
}

function shardOfPath(pattern: RegExp, path: string): number | undefined {
  const m = pattern.exec(path)
  return m ? Number(m[1]) : undefined
}

// a kind added to GossipKind fails to compile here until its topics are defined
const TOPIC_FAMILIES: { [K in GossipKind]: TopicFamily } = {
  measurement: {
    topics: (params) => measurementTopics(params),
    shardOf: (path) => shardOfPath(MEASUREMENT_PATH, path),
  },
  attestation: {
    topics: (params) => attestationTopics(params),
    shardOf: (path) => shardOfPath(ATTESTATION_PATH, path),
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
export function measurementTopic(params: NetworkParams, shard: number): string {
  return shardTopic(params, 'measurements', shard)
}

/**
 * The attestation topic of committee shard `shard`: where the members of that shard's committees
 * publish their attestations (spec §12.1).
 *
 * @example
 * attestationTopic(devnet, 1) // '/spark-swarm/1/devnet/attestations/1'
 */
export function attestationTopic(params: NetworkParams, shard: number): string {
  return shardTopic(params, 'attestations', shard)
}

function shardTopic(params: NetworkParams, family: 'measurements' | 'attestations', shard: number): string {
  if (!Number.isSafeInteger(shard) || shard < 0 || shard >= params.committeeShards) {
    throw new RangeError(`shard must be an integer in [0, ${params.committeeShards}), got ${shard}`)
  }
  return `${PREFIX}${params.protocolVersion}/${params.network}/${family}/${shard}`
}

/** Every measurement shard topic of the network, shard 0 first. */
export function measurementTopics(params: NetworkParams): string[] {
  return Array.from({ length: params.committeeShards }, (_, shard) => measurementTopic(params, shard))
}

/** Every attestation shard topic of the network, shard 0 first. */
export function attestationTopics(params: NetworkParams): string[] {
  return Array.from({ length: params.committeeShards }, (_, shard) => attestationTopic(params, shard))
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
 * attestation shards. The topics a node validates, scores and allows.
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
    const shard = TOPIC_FAMILIES[kind].shardOf(m[3] as string)
    if (shard !== undefined) return { kind, network, version, shard }
  }
  return undefined
}
