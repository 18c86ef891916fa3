import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CheckerNode, type CheckerNodeInit, createCheckerNode } from '@spark-swarm/node'
import { devnet, type ProtocolParams } from '@spark-swarm/protocol'
import { type OutsideWorld, type OutsideWorldProvider, startOutsideWorld } from './outside-world.js'

export interface SwarmOptions {
  /** Checker nodes; default 6. */
  nodes?: number
  /** Overrides of the devnet params; the genesis is set to the swarm's start unless given. */
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
  const world = await startOutsideWorld({
    seed: options.seed ?? 'spark swarm devnet',
    providers: options.providers ?? DEMO_PROVIDERS,
    blocksPerProvider: options.blocksPerProvider ?? 2,
  })
  const params: ProtocolParams = {
    ...devnet,
    // round 0 starts once every node is likely up (≈ 0.5 s each): a round that starts before a
    // node has joined the mesh misses its measurements, and the summaries' chain carries the split on
    genesisTime: Math.ceil(Date.now() / 1000) * 1000 + 1000 + 500 * count,
    tasksPerRound: world.catalogue.entries.length,
    ...options.params,
  }
  const nodes: CheckerNode[] = []
  const startNode = async (index: number) => {
    const bootstrap = index === 0 || !nodes[0] ? [] : nodes[0].multiaddrs().filter((a) => a.includes('/p2p/'))
    const node = createCheckerNode({
      dataDir: join(dataDir, `node-${index}`),
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
    dataDir,
    startNode,
    async stop() {
      await Promise.allSettled(nodes.map((n) => n.stop()))
      await world.stop()
      if (ownsDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}
