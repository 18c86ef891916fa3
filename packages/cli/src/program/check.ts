import { CHECK_EXIT, DEFAULT_INDEXER_URL, DEFAULT_RPC_URL } from '../commands/check-defaults.js'
import { nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm check`: one retrieval check, step by step. */
export const registerCheck: RegisterCommand = (program, env) => {
  program
    .command('check')
    .description('run one retrieval check, step by step: provider lookup, IPNI, retrieval, verification')
    .argument('<cid>', 'payload CID the provider must serve')
    .argument('<minerId>', 'storage provider (miner actor id), e.g. f01234')
    .option('--indexer <url>', 'IPNI indexer (env SPARK_SWARM_INDEXER_URL)', env.indexerUrl ?? DEFAULT_INDEXER_URL)
    .option('--rpc <url>', 'Filecoin Lotus JSON-RPC endpoint (env SPARK_SWARM_RPC_URL)', env.rpcUrl ?? DEFAULT_RPC_URL)
    .option('--rpc-token <token>', 'bearer token for the RPC endpoint (env SPARK_SWARM_RPC_TOKEN)', env.rpcToken)
    .option('--provider-id <peerId>', "the provider's libp2p peer id: skips the chain lookup")
    .option('--no-bitswap', 'do not retrieve over bitswap when the provider advertises no HTTP')
    .option('--idle-timeout <ms>', 'give up after this long without progress (default 60000)', nonNegativeInteger)
    .option('--hard-timeout <ms>', 'give up after this long in total (default 90000)', nonNegativeInteger)
    .option('--max-bytes <n>', 'largest response accepted (default 200 MiB)', nonNegativeInteger)
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ spark-swarm check bafkreih25dih6ug3xtj73vswccw423b56ilrwmnos4cbwhrceudopdp5sq f01234
  $ spark-swarm check <cid> f01234 --provider-id 12D3KooW… --json

Exit codes: 0 retrieved and verified; 4 the check failed (the result code says why);
1 no check could be made (the provider's peer id could not be looked up); 2 bad usage.`,
    )
    .action(async (cid: string, minerId: string, opts) => {
      const { runCheck } = await import('../commands/check.js')
      const { exitCode } = await runCheck(cid, minerId, opts, stdoutLine)
      process.exitCode = exitCode === CHECK_EXIT.ok ? 0 : exitCode
    })
}
