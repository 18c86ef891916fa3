/**
 * Spark Swarm's simulator: scenarios of honest and adversarial checkers run on the protocol
 * package's own task selection, evaluation and scoring, with sweeps, CSV and an HTML report.
 * Every public name is listed here; modules not named here are internal.
 */
export { runResultToCsv, sweepToCsv } from './csv.js'
export { type OutcomeFields, outcomeFields } from './outcomes.js'
export { type ReportInput, renderReport } from './report.js'
export { deriveSeed, Rng } from './rng.js'
export type { ProviderRoundStats, RoundStats } from './round-stats.js'
export { type ParallelRunOptions, type RunOptions, runRounds, runScenario, runScenarioParallel } from './run.js'
export { parseScenarioFile, ScenarioError, setPath, validateScenario } from './scenario.js'
export { estimate } from './summarize.js'
export { parseSweep, repetitionSeed, runSweep, type SweepOptions, sweepValues } from './sweep.js'
export type {
  AdversaryKind,
  AdversaryModel,
  AdversarySpec,
  AlwaysFailAdversary,
  AlwaysOkAdversary,
  ColludingAdversary,
  CopierAdversary,
  DepositHolderAdversary,
  Estimate,
  GrindingAdversary,
  LazyAdversary,
  ProviderModel,
  ProviderResult,
  RunResult,
  Scenario,
  SweepPoint,
  SweepResult,
  SweepSpec,
  SybilOneGroupAdversary,
  SybilSpreadAdversary,
  ValidatedScenario,
} from './types.js'
