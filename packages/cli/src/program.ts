import { Command, InvalidArgumentError } from 'commander'
import { CHECK_EXIT, DEFAULT_INDEXER_URL, DEFAULT_RPC_URL, runCheck } from './commands/check.js'
import { runDemo } from './commands/demo.js'
import { evaluateOurRound } from './commands/evaluate-round.js'
import { evaluateSpark } from './commands/evaluate-spark.js'
import { runExport, runVerify } from './commands/export-verify.js'

export const VERSION = '0.1.0'

function nonNegativeInteger(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer.')
  return n
}

/** Writes a JSON document to stdout; `pretty` for people, compact for pipes. */
function printJson(value: unknown, pretty: boolean): void {
  process.stdout.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`)
}

/** The `spark-swarm` command tree. The only place that reads argv. */
export function createProgram(): Command {
  const program = new Command()
    .name('spark-swarm')
    .description('Spark Swarm: a peer-to-peer retrieval-checker network for Filecoin storage providers')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // before any subcommand is added, so that they inherit it: bin.ts maps the exit codes
    .exitOverride()

  program
    .command('evaluate')
    .description('evaluate a round offline from its measurements (NDJSON, one measurement per line; "-" reads stdin)')
    .argument('<measurements>', 'NDJSON file of measurements, or - for stdin')
    .requiredOption('--round <file>', "round file (JSON): the round's tasks and randomness")
    .option('--spark-compat', "read Spark v1's published format and evaluate exactly as spark-evaluate did")
    .option('--summary', 'with --spark-compat: add per-provider scores by all three RSR methods')
    .option('--min-committee-size <n>', 'with --spark-compat: override the required committee size (Spark: 30)', nonNegativeInteger)
    .option('--trusted', 'skip signature checks (only for files a node already validated)')
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      `
Examples:
  # Spark v1 round, Spark's semantics (round.json: {"roundIndex","randomness","maxTasksPerNode","tasks"})
  $ spark-swarm evaluate --spark-compat --round round.json measurements.ndjson
  # the same, with the three scores side by side
  $ spark-swarm evaluate --spark-compat --summary --round round.json measurements.ndjson
  # a Spark Swarm round (signed measurements in their JSON form)
  $ spark-swarm evaluate --round round.json measurements.ndjson

Exit codes: 0 evaluated; 1 a file could not be read; 2 bad usage or a broken round file.
Malformed measurement lines never stop the evaluation: they are listed under "dropped".`,
    )
    .action(async (measurements: string, opts) => {
      const out = opts.sparkCompat
        ? await evaluateSpark(measurements, { round: opts.round, summary: opts.summary, minCommitteeSize: opts.minCommitteeSize })
        : await evaluateOurRound(measurements, { round: opts.round, trusted: opts.trusted })
      printJson(out, Boolean(opts.pretty))
    })

  program
    .command('check')
    .description('run one retrieval check, step by step: provider lookup, IPNI, retrieval, verification')
    .argument('<cid>', 'payload CID the provider must serve')
    .argument('<minerId>', 'storage provider (miner actor id), e.g. f01234')
    .option('--indexer <url>', 'IPNI indexer (env SPARK_SWARM_INDEXER_URL)', process.env.SPARK_SWARM_INDEXER_URL ?? DEFAULT_INDEXER_URL)
    .option('--rpc <url>', 'Filecoin Lotus JSON-RPC endpoint (env SPARK_SWARM_RPC_URL)', process.env.SPARK_SWARM_RPC_URL ?? DEFAULT_RPC_URL)
    .option('--rpc-token <token>', 'bearer token for the RPC endpoint (env SPARK_SWARM_RPC_TOKEN)', process.env.SPARK_SWARM_RPC_TOKEN)
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
      const { exitCode } = await runCheck(cid, minerId, opts, (line) => process.stdout.write(`${line}\n`))
      process.exitCode = exitCode === CHECK_EXIT.ok ? 0 : exitCode
    })

  program
    .command('export')
    .description('write an anchored round as a CAR file: its summary, params, catalogue, committees and signed measurements')
    .argument('[round]', 'the round (default: the newest anchored one)', nonNegativeInteger)
    .requiredOption('--data-dir <dir>', "the node's data directory (env SPARK_SWARM_DATA_DIR)", process.env.SPARK_SWARM_DATA_DIR)
    .option('-o, --out <file>', 'where to write the CAR ("-" or nothing: stdout)')
    .addHelpText(
      'after',
      '\nExample:\n  $ spark-swarm export 42 --data-dir ~/.spark-swarm -o round-42.car\n  $ spark-swarm verify round-42.car',
    )
    .action(async (round: number | undefined, opts) => {
      await runExport({ dataDir: opts.dataDir, round, out: opts.out }, (line) => process.stderr.write(`${line}\n`))
    })

  program
    .command('verify')
    .description('re-check a round offline from its CAR alone: hashes, signatures, evaluation, summary CID')
    .argument('<car>', 'a CAR written by `spark-swarm export`')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit codes: 0 the round verifies; 1 it does not (the problems are listed); 2 the file is not a round CAR.')
    .action(async (car: string, opts) => {
      process.exitCode = await runVerify(car, opts, (line) => process.stdout.write(`${line}\n`))
    })

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
        write: (line) => process.stdout.write(`${line}\n`),
      })
    })

  return program
}
