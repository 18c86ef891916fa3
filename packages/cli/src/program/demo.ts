import { runDemo } from '../commands/demo.js'
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
    .action(async (opts) => {
      await runDemo({
        nodes: opts.nodes,
        rounds: opts.rounds,
        roundSeconds: opts.roundSeconds,
        write: stdoutLine,
      })
    })
}
