import { nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm devnet`: a swarm on loopback until Ctrl-C, or with --nodes 0 the outside world for nodes elsewhere. */
export const registerDevnet: RegisterCommand = (program) => {
  program
    .command('devnet')
    .description('run a swarm on loopback until Ctrl-C, every node with its status page')
    .option('--nodes <n>', 'checker nodes', nonNegativeInteger, 6)
    .option('--round-seconds <s>', 'round length in seconds', nonNegativeInteger, 10)
    .option('--data-dir <dir>', 'with --nodes 0: keeps the providers, their content and peer ids across runs (default: a temporary dir)')
    .option('--catalogue-out <file>', 'with --nodes 0: where to write the catalogue (default <data dir>/catalogue.json)')
    .option('--json', 'with --nodes 0: print what a node needs as one JSON object')
    .addHelpText(
      'after',
      `
With --nodes 0 it starts only the outside world (fake providers, IPNI, Lotus RPC), writes the
catalogue, a tracker config and a node config into the data dir, and prints what
\`spark-swarm start\` nodes in other terminals need (see docs/operators.md).

Examples:
  $ spark-swarm devnet --nodes 3 --round-seconds 5
  $ spark-swarm devnet --nodes 0 --data-dir ./world --json`,
    )
    .action(async (opts) => {
      const { runDevnet } = await import('../commands/devnet.js')
      await runDevnet(opts, stdoutLine)
    })
}
