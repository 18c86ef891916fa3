import type { RunResult, SweepResult } from './types.js'

/** What a report is rendered from: a sweep, a single run, or both. */
export interface ReportInput {
  sweep?: SweepResult
  run?: RunResult
  /** Heading and <title>; defaults to one naming the scenario. */
  title?: string
  /** Shown in the header when given (left out otherwise, so equal inputs give equal bytes). */
  generatedAt?: string
  /** The scenario file, for the repeat command (default: a placeholder `scenario.json`). */
  scenarioFile?: string
}
