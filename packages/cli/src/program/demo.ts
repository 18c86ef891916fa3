import { InvalidArgumentError } from 'commander'
import { DEMO_NETWORKS, type DemoNetwork } from '../commands/demo-networks.js'
import { nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm demo` (`npm start`): a whole swarm on loopback for a few rounds. */
export const registerDemo: RegisterCommand = (program) => {
  program
    .command('demo')
    .description('run a whole swarm on loopback for a few rounds: fake providers, IPNI, chain RPC and checker nodes')
    .option('--nodes <n>', 'checker nodes', nonNegativeInteger, 6)
    .option('--rounds <n>', 'rounds to show', nonNegativeInteger, 3)
    .option('--round-seconds <s>', 'round length in seconds', nonNegativeInteger, 6)
    .option(
      '--network <name>',
      'devnet-v2: protocol version 2, the last node joins unfunded and becomes eligible; devnet: version 1',
      demoNetwork,
      'devnet-v2',
    )
    .action(async (opts) => {
      const { runDemo } = await import('../commands/demo.js')
      await runDemo({
        nodes: opts.nodes,
        rounds: opts.rounds,
        roundSeconds: opts.roundSeconds,
        network: opts.network,
        write: stdoutLine,
      })
    })
}

function demoNetwork(value: string): DemoNetwork {
  if (!(DEMO_NETWORKS as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${DEMO_NETWORKS.join(', ')}`)
  return value as DemoNetwork
}
