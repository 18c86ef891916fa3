import { homedir } from 'node:os'
import { join } from 'node:path'
import { CHECKER_VERSION } from '@spark-swarm/protocol'
import { Command, InvalidArgumentError } from 'commander'
import { CHECK_EXIT, DEFAULT_INDEXER_URL, DEFAULT_RPC_URL, runCheck } from './commands/check.js'
import { runDemo } from './commands/demo.js'
import { runDevnet } from './commands/devnet.js'
import { evaluateOurRound } from './commands/evaluate-round.js'
import { evaluateSpark } from './commands/evaluate-spark.js'
import { runExport, runVerify } from './commands/export-verify.js'
import { runKeygen } from './commands/keygen.js'
import { runSim } from './commands/sim.js'
import { runStart } from './commands/start.js'
import { runStatus } from './commands/status.js'
import { runTracker } from './commands/tracker.js'
import { LOG_LEVELS, type LogLevel } from './logger.js'

/** The CLI's `--version`: the release every package shares. */
export const VERSION = CHECKER_VERSION

function nonNegativeInteger(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer.')
  return n
}

function defaultDataDir(): string {
  return join(homedir(), '.spark-swarm')
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

  const out = (line: string) => process.stdout.write(`${line}\n`)
  const collect = (value: string, previous: string[] = []) => [...previous, value]
  const logLevel = (value: string): LogLevel => {
    if (!LOG_LEVELS.includes(value as LogLevel)) throw new InvalidArgumentError(`use one of ${LOG_LEVELS.join(', ')}.`)
    return value as LogLevel
  }

  program
    .command('start')
    .description('run a checker node (the daemon) until SIGINT/SIGTERM')
    .option('--config <file>', 'JSON config file (any of the settings below, camelCase)')
    .option('--data-dir <dir>', 'identity key, store and blocks (env SPARK_SWARM_DATA_DIR; default ~/.spark-swarm)')
    .option('--network <name>', 'preset: mainnet, devnet, spark-compat (env SPARK_SWARM_NETWORK)')
    .option(
      '--tracker <url>',
      "the network's tracker: params, bootstrap list, version gate; its params are cached in the data dir and used while it is down (env SPARK_SWARM_TRACKER)",
    )
    .option('--catalogue <file>', 'the task catalogue, JSON {"entries": […]} (env SPARK_SWARM_CATALOGUE)')
    .option('--indexer <url>', 'IPNI indexer (env SPARK_SWARM_INDEXER_URL)')
    .option('--rpc <url>', 'Filecoin Lotus JSON-RPC (env SPARK_SWARM_RPC_URL)')
    .option('--drand <url>', 'drand HTTP API (env SPARK_SWARM_DRAND_URL)')
    .option(
      '--listen <multiaddr>',
      'libp2p listen address (repeatable; env SPARK_SWARM_LISTEN, comma-separated; default /ip4/127.0.0.1/tcp/7331: ' +
        'pass /ip4/0.0.0.0/tcp/7331 to accept peers from other hosts)',
      collect,
    )
    .option('--bootstrap <multiaddr>', 'peer to join through (repeatable; env SPARK_SWARM_BOOTSTRAP)', collect)
    .option('--inet-group <group>', "this node's network, e.g. 203.0.113.0/24 (env SPARK_SWARM_INET_GROUP)")
    .option('--api-host <host>', 'status API address (default 127.0.0.1)')
    .option('--api-port <port>', 'status API port (default 9090)', nonNegativeInteger)
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, logLevel)
    .addHelpText(
      'after',
      `
Precedence: flags, then environment variables, then the config file, then defaults.

Examples:
  $ spark-swarm start --tracker https://tracker.example --catalogue catalogue.json --inet-group 203.0.113.0/24
  $ SPARK_SWARM_DATA_DIR=/var/lib/spark-swarm spark-swarm start --config /etc/spark-swarm.json

Logs are JSON lines on stderr. Status page, /metrics, /healthz and /api/status on http://127.0.0.1:9090.
Everything binds to 127.0.0.1 unless --listen or --api-host say otherwise.`,
    )
    .action(async (opts) => {
      const { config, ...flags } = opts
      await runStart(flags, config, out)
    })

  program
    .command('tracker')
    .description("run the network's tracker: params, bootstrap list and the version gate (400 OUTDATED CLIENT)")
    .requiredOption('--config <file>', 'tracker config (JSON; hot-reloaded on change)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port', nonNegativeInteger, 8080)
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, logLevel, 'info')
    .addHelpText(
      'after',
      '\nExample:\n  $ spark-swarm tracker --config tracker.json --port 8080\n  $ curl -H "x-spark-swarm-version: 0.1.0" http://127.0.0.1:8080/v1/gate',
    )
    .action(async (opts) => {
      await runTracker(opts, out)
    })

  program
    .command('devnet')
    .description('run a swarm on loopback until Ctrl-C, every node with its status page')
    .option('--nodes <n>', 'checker nodes', nonNegativeInteger, 6)
    .option('--round-seconds <s>', 'round length in seconds', nonNegativeInteger, 10)
    .action(async (opts) => {
      await runDevnet(opts, out)
    })

  program
    .command('keygen')
    .description("create the node's identity key (mode 0600) in the data dir, or show the existing one")
    .option(
      '--data-dir <dir>',
      "the node's data directory (env SPARK_SWARM_DATA_DIR)",
      process.env.SPARK_SWARM_DATA_DIR ?? defaultDataDir(),
    )
    .option('--json', 'print the peer id and station id as JSON')
    .addHelpText(
      'after',
      "\nExample:\n  $ spark-swarm keygen --data-dir ~/.spark-swarm\n\nAn existing key is never overwritten: the station id is the node's identity in the network.",
    )
    .action(async (opts) => {
      await runKeygen(opts, (line) => process.stdout.write(`${line}\n`))
    })

  program
    .command('status')
    .description('ask a running node how it is doing (its status API, 127.0.0.1 by default)')
    .option('--api <url>', "the node's status API (env SPARK_SWARM_API)", process.env.SPARK_SWARM_API ?? 'http://127.0.0.1:9090')
    .option('--json', 'print the full status as JSON')
    .action(async (opts) => {
      await runStatus(opts, (line) => process.stdout.write(`${line}\n`))
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
    .command('sim')
    .description("simulate committees on the protocol's own functions: adversaries, the three RSR methods, sweeps, an HTML report")
    .requiredOption('--scenario <file>', 'scenario (JSON; see examples/simulate-committees/scenario.json)')
    .option('--sweep <path=from:to:step>', 'sweep any numeric scenario field, e.g. adversaries.0.share=0:0.5:0.05')
    .option('--repetitions <n>', 'runs per sweep point, each with its own seed', nonNegativeInteger, 1)
    .option('--seed <seed>', "override the scenario's seed")
    .option('--out <dir>', 'write result.json/.csv (or sweep.json/.csv) and report.html here')
    .option('--workers <n>', 'worker threads for a single run (default 2)', nonNegativeInteger)
    .option('--emulate', "run the scenario's providers on a small swarm of real nodes and compare with the model")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ spark-swarm sim --scenario examples/simulate-committees/scenario.json --out sim-out
  $ spark-swarm sim --scenario examples/simulate-committees/scenario.json --sweep adversaries.0.share=0:0.5:0.05 --repetitions 3 --out sim-out
  $ spark-swarm sim --scenario examples/simulate-committees/scenario.json --emulate`,
    )
    .action(async (opts) => {
      await runSim(opts, out, (line) => process.stderr.write(`${line}\n`))
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
