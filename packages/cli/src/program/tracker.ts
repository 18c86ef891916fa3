import { LOG_LEVEL_HELP, logLevel, nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm tracker`: the network's tracker. */
export const registerTracker: RegisterCommand = (program) => {
  program
    .command('tracker')
    .description("run the network's tracker: params, bootstrap list and the version gate (400 OUTDATED CLIENT)")
    .requiredOption('--config <file>', 'tracker config (JSON; hot-reloaded on change)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port', nonNegativeInteger, 8080)
    .option('--log-level <level>', LOG_LEVEL_HELP, logLevel, 'info')
    .addHelpText(
      'after',
      '\nExample:\n  $ spark-swarm tracker --config tracker.json --port 8080\n  $ curl -H "x-spark-swarm-version: 0.1.0" http://127.0.0.1:8080/v1/gate',
    )
    .action(async (opts) => {
      const { runTracker } = await import('../commands/tracker.js')
      await runTracker(opts, stdoutLine)
    })
}
