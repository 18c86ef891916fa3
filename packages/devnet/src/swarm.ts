import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CheckerNode, type CheckerNodeInit, createCheckerNode } from '@spark-swarm/node'
import { devnet, type ProtocolParams } from '@spark-swarm/protocol'
import { type OutsideWorld, type OutsideWorldProvider, startOutsideWorld } from './outside-world.js'
import { bindNode, type SwarmParticipant } from './swarm-participants.js'

export interface SwarmOptions {
  /** Checker nodes; default 6. */
  nodes?: number
  /** The params overridden: devnet by default; a version-2 preset (`presets['devnet-v2']`) binds every node to a funded participant. */
  preset?: ProtocolParams
  /**
   * Version 2: the nodes, by index, whose participant is bound but not funded, so that a test or the
   * demo funds it later (`world.chainRpc.deposits.set`) and sees the node become eligible by itself.
   */
  unfunded?: readonly number[]
  /** Overrides of the preset's params; the genesis is set to the swarm's start unless given. */
  params?: Partial<ProtocolParams>
  providers?: OutsideWorldProvider[]
  blocksPerProvider?: number
  seed?: string
  /** Where the nodes keep their data; a fresh temp dir (deleted on stop) by default. */
  dataDir?: string
  /** Passed to every node (retrieval limits, clock, logger …), or per node by its index. */
  node?: Partial<CheckerNodeInit> | ((index: number) => Partial<CheckerNodeInit>)
}

export interface Swarm {
  params: ProtocolParams
  world: OutsideWorld
  nodes: CheckerNode[]
  /** Version 2: each node's participant, by index (its wallet key is derived from the seed). */
  participants: SwarmParticipant[]
  dataDir: string
  /** Starts one more node (e.g. to restart a stopped one: same data dir, same identity). */
  startNode(index: number): Promise<CheckerNode>
  stop(): Promise<void>
}

/** Healthy, flaky and broken: the three behaviours the demo shows side by side. */
export const DEMO_PROVIDERS: OutsideWorldProvider[] = [
  { minerId: 'f01000', profile: { kind: 'healthy' } },
  { minerId: 'f02000', profile: { kind: 'flaky', failShare: 0.4 } },
  { minerId: 'f03000', profile: { kind: 'http-5xx', status: 502 } },
]

/**
 * A whole Spark Swarm on loopback: the outside world (providers, IPNI, chain RPC) and N checker
 * nodes with their own data dirs and inet groups, joined through the first node. Round 0 starts
 * on a whole second once the nodes are up, so round numbers (and the local beacon chain) stay small.
 */
export async function startSwarm(options: SwarmOptions = {}): Promise<Swarm> {
  const count = options.nodes ?? 6
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'spark-swarm-devnet-')))
  const ownsDir = options.dataDir === undefined
  const seed = options.seed ?? 'spark swarm devnet'
  const preset = options.preset ?? devnet
  const admission = options.params?.admission ?? preset.admission
  const world = await startOutsideWorld({
    seed,
    ...(admission ? { admission } : {}),
    providers: options.providers ?? DEMO_PROVIDERS,
    blocksPerProvider: options.blocksPerProvider ?? 2,
  })
  const params: ProtocolParams = {
    ...preset,
    // round 0 starts once every node is likely up (≈ 0.5 s each): a round that starts before a
    // node has joined the mesh misses its measurements, and the summaries' chain carries the split on
    genesisTime: Math.ceil(Date.now() / 1000) * 1000 + 1000 + 500 * count,
    tasksPerRound: world.catalogue.entries.length,
    ...options.params,
  }
  const nodes: CheckerNode[] = []
  const participants: SwarmParticipant[] = []
  const startNode = async (index: number) => {
    const bootstrap = index === 0 || !nodes[0] ? [] : nodes[0].multiaddrs().filter((a) => a.includes('/p2p/'))
    const nodeDir = join(dataDir, `node-${index}`)
    // version 2: the node checks for a participant funded from height 0 (unless unfunded), bound to its station key
    const funded = !options.unfunded?.includes(index)
    const bound = params.protocolVersion === 2 ? await bindNode({ params, seed, index, dataDir: nodeDir, world, funded }) : undefined
    if (bound) participants[index] = bound.participant
    const node = createCheckerNode({
      dataDir: nodeDir,
      ...(bound ? { binding: bound.binding } : {}),
      params,
      catalogue: world.catalogue,
      indexerUrl: world.ipniUrl,
      rpcUrl: world.rpcUrl,
      inetGroup: `10.0.${index}.0/24`,
      loopback: true,
      bootstrap,
      ...(typeof options.node === 'function' ? options.node(index) : options.node),
    })
    await node.start()
    nodes[index] = node
    return node
  }
  try {
    for (let i = 0; i < count; i++) await startNode(i)
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await world.stop()
    throw err
  }
  return {
    params,
    world,
    nodes,
    participants,
    dataDir,
    startNode,
    async stop() {
      await Promise.allSettled(nodes.map((n) => n.stop()))
      await world.stop()
      if (ownsDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}
