import { runScenario } from './run.js'
import { ScenarioError, setPath, validateScenario } from './scenario.js'
import type { RunResult, Scenario, SweepPoint, SweepResult, SweepSpec } from './types.js'

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`
const SWEEP = new RegExp(String.raw`^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)=(${NUMBER}):(${NUMBER}):(${NUMBER})$`)
const MAX_POINTS = 10_000

/**
 * Parses `path=from:to:step` (the CLI's `--sweep`), e.g. `adversaries.0.share=0:0.5:0.05`.
 * Throws ScenarioError naming the sweep when it does not parse or would be empty or huge.
 */
export function parseSweep(text: string, repetitions = 1): SweepSpec {
  const m = SWEEP.exec(text.trim())
  if (!m) throw new ScenarioError('sweep', `"${text}" must look like path=from:to:step (e.g. adversaries.0.share=0:0.5:0.05)`)
  const spec = { path: m[1] as string, from: Number(m[2]), to: Number(m[3]), step: Number(m[4]), repetitions }
  if (!(spec.step > 0)) throw new ScenarioError('sweep', 'step must be greater than 0')
  if (spec.to < spec.from) throw new ScenarioError('sweep', `"to" (${spec.to}) must not be below "from" (${spec.from})`)
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new ScenarioError('sweep', 'repetitions must be an integer of at least 1')
  if (sweepValues(spec).length > MAX_POINTS) throw new ScenarioError('sweep', `has more than ${MAX_POINTS} points; use a larger step`)
  return spec
}

/** The swept values: from, from + step, … up to `to` (inclusive, with a tolerance for float steps). */
export function sweepValues(spec: Pick<SweepSpec, 'from' | 'to' | 'step'>): number[] {
  const count = Math.floor((spec.to - spec.from) / spec.step + 1e-9) + 1
  if (!Number.isFinite(count) || count > MAX_POINTS + 1) return new Array(MAX_POINTS + 1).fill(spec.from)
  // rounded so that 0.1 + 0.2 prints as 0.3 in reports and CSV
  return Array.from({ length: count }, (_, i) => Number((spec.from + i * spec.step).toPrecision(12)))
}

export interface SweepOptions {
  /** Runs one scenario (default `runScenario`; pass a wrapper to add progress or use workers). */
  run?: (scenario: Scenario) => RunResult
  /** Called after each run. */
  onRun?: (value: number, repetition: number, result: RunResult) => void
}

const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length)

/** The seed of repetition `r`: the same for every point (common random numbers, so curves are smooth). */
export function repetitionSeed(seed: string, repetition: number): string {
  return repetition === 0 ? seed : `${seed}#${repetition}`
}

/**
 * Runs `base` once per swept value and repetition, the value set at `spec.path`, and reduces each
 * point to the mean absolute error of each RSR method (over providers and repetitions; NaN when
 * no provider had samples) and the mean share of committees captured by adversaries.
 */
export function runSweep(base: Scenario, spec: SweepSpec, { run = runScenario, onRun }: SweepOptions = {}): SweepResult {
  const scenario = validateScenario(base)
  const values = sweepValues(spec)
  // fail on a bad path or value before the first (possibly long) run
  for (const v of [values[0] as number, values[values.length - 1] as number]) validateScenario(setPath(scenario, spec.path, v))
  const points: SweepPoint[] = values.map((value) => {
    const runs: RunResult[] = []
    for (let r = 0; r < spec.repetitions; r++) {
      const s = validateScenario({ ...setPath(scenario, spec.path, value), seed: repetitionSeed(scenario.seed, r) })
      const result = run(s)
      runs.push(result)
      onRun?.(value, r, result)
    }
    const errors = (pick: (e: RunResult['providers'][number]['error']) => number | null) =>
      mean(runs.flatMap((run) => run.providers.map((p) => pick(p.error)).filter((e): e is number => e !== null)))
    return {
      value,
      runs,
      meanError: {
        perRequest: errors((e) => e.perRequest),
        committee: errors((e) => e.committee),
        committeeFraction: errors((e) => e.committeeFraction),
      },
      meanCaptured: mean(runs.map((r) => (r.committees.total > 0 ? r.committees.capturedByAdversaries / r.committees.total : 0))),
    }
  })
  return { base: scenario, sweep: spec, points }
}
