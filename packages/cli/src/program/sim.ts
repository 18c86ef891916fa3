import { nonNegativeInteger } from './options.js'
import { stderrLine, stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/** `spark-swarm sim`: the committee simulator (progress on stderr, results on stdout). */
export const registerSim: RegisterCommand = (program) => {
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
      const { runSim } = await import('../commands/sim.js')
      await runSim(opts, stdoutLine, stderrLine)
    })
}
