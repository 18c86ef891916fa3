import { Command, InvalidArgumentError } from 'commander'
import { runDemo } from './commands/demo.js'
import { evaluateOurRound } from './commands/evaluate-round.js'
import { evaluateSpark } from './commands/evaluate-spark.js'

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
    .command('demo')
    .description('evaluate a few rounds of a local network offline and print committees, RSR and summary CIDs')
    .option('--rounds <n>', 'how many rounds', nonNegativeInteger, 3)
    .option('--stations <n>', 'how many checker stations', nonNegativeInteger, 24)
    .action(async (opts) => {
      await runDemo({ rounds: opts.rounds, stations: opts.stations, write: (line) => process.stdout.write(`${line}\n`) })
    })

  return program
}
