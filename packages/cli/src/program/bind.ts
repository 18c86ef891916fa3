import { defaultDataDir, nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm bind`: the station's binding to its participant (protocol version 2, spec §13.2). */
export const registerBind: RegisterCommand = (program, env) => {
  program
    .command('bind')
    .description("bind this node's station key to the participant (wallet) it checks for, on a version-2 network")
    .requiredOption('--participant <address>', 'the wallet it checks for: 0x… or f410f…')
    .option('--signature <hex>', "the wallet's signature of the text this command prints without it")
    .option('--participant-key <file>', 'sign with this secp256k1 key file instead (devnets and tests: a wallet key on disk)')
    .option(
      '--network <name>',
      "the network the binding is for (default: the data dir's; required for a data dir that belongs to no network yet)",
    )
    .option('--from-round <n>', 'the first round it holds for', nonNegativeInteger, 0)
    .option('--data-dir <dir>', "the node's data directory (env SPARK_SWARM_DATA_DIR)", env.dataDir ?? defaultDataDir())
    .option('--json', 'print the binding (and its text, or the file it was kept in) as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ spark-swarm bind --participant 0x52963ef50e27e06d72d59fcb4f3c2a687be3cfef\n  (sign the printed text with that wallet, then)\n  $ spark-swarm bind --participant 0x52963ef50e27e06d72d59fcb4f3c2a687be3cfef --signature 0x…',
    )
    .action(async (opts) => {
      const { runBind } = await import('../commands/bind.js')
      await runBind(opts, stdoutLine)
    })
}
