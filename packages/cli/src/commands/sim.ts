import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { basename, join } from 'node:path'
import {
  parseScenarioFile,
  parseSweep,
  type RunResult,
  renderReport,
  runResultToCsv,
  runScenario,
  runScenarioParallel,
  runSweep,
  type Scenario,
  ScenarioError,
  sweepToCsv,
} from '@spark-swarm/sim'
import { CliError, EXIT } from '../cli-error.js'
import { runEmulation } from './sim-emulate.js'

export interface SimOptions {
  scenario: string
  sweep?: string
  repetitions: number
  seed?: string
  out?: string
  workers?: number
  emulate?: boolean
  json?: boolean
}

const pct = (x: number | null) => (x === null ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)}%`)

function printRun(result: RunResult, write: (line: string) => void) {
  write(
    `  ${'provider'.padEnd(10)} ${'true'.padStart(6)}  ${'per-request'.padStart(11)}  ${'committee'.padStart(9)}  ${'fraction'.padStart(8)}  samples`,
  )
  for (const p of result.providers) {
    write(
      `  ${p.minerId.padEnd(10)} ${pct(p.trueRate)}  ${pct(p.perRequest.rate).padStart(11)}  ${pct(p.committee.rate).padStart(9)}  ${pct(p.committeeFraction.rate).padStart(8)}  ${p.perRequest.samples}`,
    )
  }
  const c = result.committees
  write(
    `  committees ${c.total}, mean size ${c.meanSize.toFixed(1)}, too small ${c.tooSmall}, no majority ${c.majorityNotFound}, captured ${c.capturedByAdversaries}, tasks without committee ${c.withoutCommittee}`,
  )
}

/** The scenario file, parsed and validated, with `--seed` applied. */
async function readScenario(opts: SimOptions): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(opts.scenario, 'utf8')
  } catch (err) {
    throw new CliError(
      `cannot read scenario ${opts.scenario}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      EXIT.failure,
    )
  }
  try {
    const scenario = parseScenarioFile(text, opts.scenario)
    return opts.seed ? { ...scenario, seed: opts.seed } : scenario
  } catch (err) {
    if (err instanceof ScenarioError || err instanceof Error) throw new CliError(`scenario ${opts.scenario}: ${err.message}`)
    throw err
  }
}

type Save = (name: string, content: string) => Promise<void>

async function emulate(opts: SimOptions, scenario: Scenario, save: Save, write: (line: string) => void, progress: (line: string) => void) {
  const emulation = await runEmulation(scenario, (s) => runScenario(s), progress)
  await save('emulation.json', `${JSON.stringify(emulation, null, 2)}\n`)
  if (opts.json) return write(JSON.stringify(emulation, null, 2))
  write(`emulated ${emulation.rounds} rounds on ${emulation.nodes} real nodes (loopback) next to the model`)
  write(
    `  ${'provider'.padEnd(10)} ${'true'.padStart(6)}  ${'real p-r'.padStart(9)}  ${'model p-r'.padStart(9)}  ${'real com'.padStart(8)}  ${'model com'.padStart(9)}`,
  )
  for (const r of emulation.providers) {
    write(
      `  ${r.minerId.padEnd(10)} ${pct(r.trueRate)}  ${pct(r.real.perRequest).padStart(9)}  ${pct(r.model.perRequest).padStart(9)}  ${pct(r.real.committee).padStart(8)}  ${pct(r.model.committee).padStart(9)}`,
    )
  }
  write(
    `  committee size: real ${emulation.committeeSize.real.toFixed(1)}, model ${emulation.committeeSize.model.toFixed(1)}; delivery ${(emulation.delivery * 100).toFixed(0)} %`,
  )
  write(
    emulation.disagreements.length
      ? `  where they disagree:\n${emulation.disagreements.map((d) => `    - ${d}`).join('\n')}`
      : '  the network and the model agree',
  )
}

async function sweep(
  opts: SimOptions & { sweep: string },
  scenario: Scenario,
  save: Save,
  write: (line: string) => void,
  progress: (line: string) => void,
) {
  let spec: ReturnType<typeof parseSweep>
  try {
    spec = parseSweep(opts.sweep, opts.repetitions)
  } catch (err) {
    throw new CliError(`--sweep ${opts.sweep}: ${(err as Error).message}`)
  }
  const result = runSweep(scenario, spec, {
    onRun: (value, repetition) => progress(`${spec.path}=${value} repetition ${repetition + 1}/${spec.repetitions}`),
  })
  await save('sweep.json', `${JSON.stringify(result, null, 2)}\n`)
  await save('sweep.csv', sweepToCsv(result))
  await save('report.html', renderReport({ sweep: result, scenarioFile: basename(opts.scenario) }))
  if (opts.json) return write(JSON.stringify(result, null, 2))
  write(
    `sweep ${spec.path} from ${spec.from} to ${spec.to} step ${spec.step}, ${spec.repetitions} repetition(s): mean absolute error (points)`,
  )
  write(`  ${'value'.padStart(8)}  ${'per-request'.padStart(11)}  ${'committee'.padStart(9)}  ${'fraction'.padStart(8)}  captured`)
  for (const p of result.points) {
    write(
      `  ${String(p.value).padStart(8)}  ${(p.meanError.perRequest * 100).toFixed(2).padStart(11)}  ${(p.meanError.committee * 100).toFixed(2).padStart(9)}  ${(p.meanError.committeeFraction * 100).toFixed(2).padStart(8)}  ${p.meanCaptured.toFixed(3)}`,
    )
  }
}

async function singleRun(opts: SimOptions, scenario: Scenario, save: Save, write: (line: string) => void) {
  const workers = opts.workers ?? Math.min(2, availableParallelism())
  const result = workers > 1 ? await runScenarioParallel(scenario, { workers }) : runScenario(scenario)
  await save('result.json', `${JSON.stringify(result, null, 2)}\n`)
  await save('result.csv', runResultToCsv(result))
  await save('report.html', renderReport({ run: result, scenarioFile: basename(opts.scenario) }))
  if (opts.json) return write(JSON.stringify(result, null, 2))
  write(
    `${scenario.name ?? basename(opts.scenario)}: ${scenario.rounds} rounds, ${scenario.nodes} nodes, ${result.timing.ms.toFixed(0)} ms`,
  )
  printRun(result, write)
}

/**
 * `spark-swarm sim`: one scenario run, or a sweep over any parameter, on the protocol package's
 * own task selection, fraud checks, committees and scoring. Writes JSON, CSV and a self-contained
 * HTML report; `--emulate` runs the scenario's providers on a small real swarm and compares.
 */
export async function runSim(opts: SimOptions, write: (line: string) => void, progress: (line: string) => void): Promise<void> {
  const scenario = await readScenario(opts)
  const out = opts.out
  if (out) await mkdir(out, { recursive: true })
  const save: Save = async (name, content) => {
    if (!out) return
    await writeFile(join(out, name), content)
    progress(`wrote ${join(out, name)}`)
  }
  if (opts.emulate) return emulate(opts, scenario, save, write, progress)
  if (opts.sweep) return sweep({ ...opts, sweep: opts.sweep }, scenario, save, write, progress)
  return singleRun(opts, scenario, save, write)
}
