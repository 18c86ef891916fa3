import { stderrLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm catalogue build`: a tracker operator's catalogue from the chain's deals. */
export const registerCatalogue: RegisterCommand = (program, env) => {
  const catalogue = program.command('catalogue').description("a network's catalogue of retrieval tasks")
  catalogue
    .command('build')
    .description("build a catalogue from Filecoin's active storage deals whose label is a payload CID, one entry per (CID, miner)")
    .option('--rpc <url>', 'a Lotus JSON-RPC endpoint (env SPARK_SWARM_RPC_URL)', env.rpcUrl)
    .option('--rpc-token <token>', 'bearer token for the RPC endpoint (env SPARK_SWARM_RPC_TOKEN)', env.rpcToken)
    .option('--out <file>', 'write the catalogue here (default: stdout)')
    .option(
      '--json',
      'print stats as JSON on stdout (needs --out): dealsRead, kept, dropped by reason, claimsRead, claimsDropped (DDO claims name no payload CID), catalogueCid',
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ spark-swarm catalogue build --rpc https://api.node.glif.io/rpc/v1 --out catalogue.json --json\n\nProgress goes to stderr. The same tipset gives the same file and the same catalogue CID.\nExit codes: 0 written; 1 the chain cannot be read, or no deal is eligible; 2 bad usage.',
    )
    .action(async (opts) => {
      const { runCatalogueBuild } = await import('../commands/catalogue-build.js')
      await runCatalogueBuild(opts, (text) => process.stdout.write(text), stderrLine)
    })
}
