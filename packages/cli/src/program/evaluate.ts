import { nonNegativeInteger, positiveInteger } from './options.js'
import { printJson } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm evaluate`: a round offline, in Spark Swarm's format or (`--spark-compat`) Spark v1's. */
export const registerEvaluate: RegisterCommand = (program) => {
  program
    .command('evaluate')
    .description('evaluate a round offline from its measurements (NDJSON, one measurement per line; "-" reads stdin)')
    .argument('<measurements>', 'NDJSON file of measurements, or - for stdin')
    .requiredOption('--round <file>', "round file (JSON): the round's tasks and randomness")
    .option('--spark-compat', "read Spark v1's published format and evaluate exactly as spark-evaluate did")
    .option('--summary', 'with --spark-compat: add per-provider scores by all three RSR methods')
    .option('--min-committee-size <n>', 'with --spark-compat: override the required committee size (Spark: 30)', nonNegativeInteger)
    .option('--threads <n>', 'threads reading a measurements file side by side (default: one per CPU)', positiveInteger)
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
        ? await (await import('../commands/evaluate-spark.js')).evaluateSpark(measurements, {
            round: opts.round,
            summary: opts.summary,
            minCommitteeSize: opts.minCommitteeSize,
            threads: opts.threads,
          })
        : await (await import('../commands/evaluate-round.js')).evaluateOurRound(measurements, {
            round: opts.round,
            trusted: opts.trusted,
            threads: opts.threads,
          })
      printJson(out, Boolean(opts.pretty))
    })
}
