import { DEMO_PROVIDERS, startSwarm } from '@spark-swarm/devnet'
import { instrumentNode, startStatusServer } from '@spark-swarm/node'
import { CliError } from '../cli-error.js'
import { runOutsideWorld, type WorldOptions } from './devnet-world.js'

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}

/**
 * `spark-swarm devnet`: a swarm on loopback that runs until SIGINT/SIGTERM, each node with its
 * status page; with `--nodes 0`, only the outside world, described for nodes in other processes.
 */
export async function runDevnet(opts: WorldOptions & { nodes: number }, write: (line: string) => void) {
  if (opts.nodes === 0) return runOutsideWorld(opts, write, untilSignal)
  const worldOnly = (['dataDir', 'catalogueOut', 'json'] as const).find((key) => opts[key] !== undefined)
  if (worldOnly !== undefined) {
    const flag = `--${worldOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    throw new CliError(`${flag} is for the outside world on its own: add --nodes 0, or leave ${flag} out`)
  }
  const swarm = await startSwarm({
    nodes: opts.nodes,
    params: {
      roundDurationMs: opts.roundSeconds * 1000,
      gracePeriodMs: Math.min(2000, (opts.roundSeconds * 1000) / 4),
      maxTasksPerNode: 4,
      minCommitteeSize: 3,
    },
  })
  const servers = await Promise.all(
    swarm.nodes.map(async (node) => {
      const metrics = instrumentNode(node)
      const server = await startStatusServer({ node, registry: metrics.registry })
      return { metrics, server }
    }),
  )
  write(
    `devnet: ${swarm.nodes.length} nodes, rounds of ${opts.roundSeconds} s; providers ${DEMO_PROVIDERS.map((p) => p.minerId).join(', ')}`,
  )
  write(`  IPNI ${swarm.world.ipniUrl}   chain RPC ${swarm.world.rpcUrl}`)
  for (const [i, node] of swarm.nodes.entries()) write(`  node ${i} ${node.peerId}  status ${servers[i]?.server.url}`)
  write('Ctrl-C stops it.')
  await untilSignal()
  for (const { server, metrics } of servers) {
    await server.stop()
    metrics.stop()
  }
  await swarm.stop()
  write('stopped')
}
