import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm status`: asks a running node's status API. */
export const registerStatus: RegisterCommand = (program, env) => {
  program
    .command('status')
    .description('ask a running node how it is doing (its status API, 127.0.0.1 by default)')
    .option('--api <url>', "the node's status API (env SPARK_SWARM_API; default http://127.0.0.1:9090)")
    .option('--config <file>', 'the JSON config file the node was started with: ask at its apiHost/apiPort')
    .option('--json', 'print the full status as JSON')
    .action(async (opts) => {
      const { statusApiUrl } = await import('../config/status-api.js')
      const { runStatus } = await import('../commands/status.js')
      await runStatus({ api: await statusApiUrl(opts, env.api), json: opts.json }, stdoutLine)
    })
}
