import { CHECKER_VERSION } from '@spark-swarm/protocol'
import { Command } from 'commander'
import { readCliEnv } from './config/env.js'
import { registerBind } from './program/bind.js'
import { registerCatalogue } from './program/catalogue.js'
import { registerCheck } from './program/check.js'
import { registerDemo } from './program/demo.js'
import { registerDevnet } from './program/devnet.js'
import { registerEvaluate } from './program/evaluate.js'
import { registerExport, registerVerify } from './program/export-verify.js'
import { registerKeygen } from './program/keygen.js'
import type { RegisterCommand } from './program/register.js'
import { registerSim } from './program/sim.js'
import { registerStart } from './program/start.js'
import { registerStatus } from './program/status.js'
import { registerTracker } from './program/tracker.js'

/** The CLI's `--version`: the release every package shares. */
export const VERSION = CHECKER_VERSION

/** The commands, in the order `--help` lists them; each module under `program/` adds one. */
const COMMANDS: readonly RegisterCommand[] = [
  registerEvaluate,
  registerCheck,
  registerStart,
  registerTracker,
  registerCatalogue,
  registerDevnet,
  registerKeygen,
  registerBind,
  registerStatus,
  registerExport,
  registerVerify,
  registerSim,
  registerDemo,
]

/** The `spark-swarm` command tree. The only place that reads argv; the environment is read by `config/env.ts`. */
export function createProgram(): Command {
  const program = new Command()
    .name('spark-swarm')
    .description('Spark Swarm: a peer-to-peer retrieval-checker network for Filecoin storage providers')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // before any subcommand is added, so that they inherit it: bin.ts maps the exit codes
    .exitOverride()
  const env = readCliEnv()
  for (const register of COMMANDS) register(program, env)
  return program
}
