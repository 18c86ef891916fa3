import { defaultDataDir } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm keygen`: the node's identity key. */
export const registerKeygen: RegisterCommand = (program, env) => {
  program
    .command('keygen')
    .description("create the node's identity key (mode 0600) in the data dir, or show the existing one")
    .option('--data-dir <dir>', "the node's data directory (env SPARK_SWARM_DATA_DIR)", env.dataDir ?? defaultDataDir())
    .option('--json', 'print the peer id and station id as JSON')
    .addHelpText(
      'after',
      "\nExample:\n  $ spark-swarm keygen --data-dir ~/.spark-swarm\n\nAn existing key is never overwritten: the station id is the node's identity in the network.",
    )
    .action(async (opts) => {
      const { runKeygen } = await import('../commands/keygen.js')
      await runKeygen(opts, stdoutLine)
    })
}
