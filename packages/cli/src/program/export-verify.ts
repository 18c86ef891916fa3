import { nonNegativeInteger } from './options.js'
import { stderrLine, stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm export`: an anchored round as a CAR. Progress goes to stderr: stdout may be the CAR. */
export const registerExport: RegisterCommand = (program, env) => {
  program
    .command('export')
    .description('write an anchored round as a CAR file: its summary, params, catalogue, committees and signed measurements')
    .argument('[round]', 'the round (default: the newest anchored one)', nonNegativeInteger)
    .requiredOption('--data-dir <dir>', "the node's data directory (env SPARK_SWARM_DATA_DIR)", env.dataDir)
    .option('-o, --out <file>', 'where to write the CAR ("-" or nothing: stdout)')
    .addHelpText(
      'after',
      '\nExample:\n  $ spark-swarm export 42 --data-dir ~/.spark-swarm -o round-42.car\n  $ spark-swarm verify round-42.car',
    )
    .action(async (round: number | undefined, opts) => {
      const { runExport } = await import('../commands/export-verify.js')
      await runExport({ dataDir: opts.dataDir, round, out: opts.out }, stderrLine)
    })
}

/** `spark-swarm verify`: re-checks a round's CAR offline. */
export const registerVerify: RegisterCommand = (program, env) => {
  program
    .command('verify')
    .description('re-check a round offline from its CAR alone: hashes, signatures, evaluation, summary CID')
    .argument('<car>', 'a CAR written by `spark-swarm export`')
    .option('--json', 'print the result as JSON')
    .option(
      '--rpc <url>',
      "version 2: a Lotus JSON-RPC endpoint to check the listed participants' deposits on (env SPARK_SWARM_RPC_URL)",
      env.rpcUrl,
    )
    .option('--rpc-token <token>', 'bearer token for the RPC endpoint (env SPARK_SWARM_RPC_TOKEN)', env.rpcToken)
    .addHelpText(
      'after',
      '\nExit codes: 0 the round verifies; 1 it does not (the problems are listed), or --rpc cannot be read; 2 the file is not a round CAR.',
    )
    .action(async (car: string, opts) => {
      const { runVerify } = await import('../commands/export-verify.js')
      process.exitCode = await runVerify(car, opts, stdoutLine)
    })
}
