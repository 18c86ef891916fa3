import { runDevnet } from '../commands/devnet.js'
import { nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm devnet`: a swarm on loopback until Ctrl-C. */
export const registerDevnet: RegisterCommand = (program) => {
  program
    .command('devnet')
    .description('run a swarm on loopback until Ctrl-C, every node with its status page')
    .option('--nodes <n>', 'checker nodes', nonNegativeInteger, 6)
    .option('--round-seconds <s>', 'round length in seconds', nonNegativeInteger, 10)
    .action(async (opts) => {
      await runDevnet(opts, stdoutLine)
    })
}
