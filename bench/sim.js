/*
 * 5. The simulator at network scale: 10,000 nodes × 1,000 tasks × 100 rounds (K = 15: ≈ 150,000
 * measurements per round through the protocol's own evaluateRound), in a fresh child process so
 * that its time and peak RSS are its own. Target: < 60 s and < 2 GB on 2 cores.
 */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { printTable } from './table.js'

const SCENARIO = fileURLToPath(new URL('../packages/sim/test/fixtures/bench-scenario.json', import.meta.url))

if (process.argv[2] === 'child') {
  const { runScenario, runScenarioParallel } = await import('../packages/sim/dist/index.js')
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'))
  const workers = Number(process.argv[3])
  const t = performance.now()
  const result = workers > 1 ? await runScenarioParallel(scenario, { workers }) : runScenario(scenario)
  const ms = performance.now() - t
  process.send({
    ms,
    maxRssKb: process.resourceUsage().maxRSS,
    measurements: result.measurements.total,
    committees: result.committees.total,
  })
} else {
  const run = (workers) =>
    new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['child', String(workers)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      child.once('message', resolve)
      child.once('exit', (code) => code !== 0 && reject(new Error(`simulation child exited ${code}`)))
    })
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'))
  const rows = []
  for (const workers of [2, 1]) {
    const r = await run(workers)
    // worker threads' memory is in the same process: maxRSS covers them
    rows.push([
      workers === 1 ? 'runScenario (1 thread)' : `runScenarioParallel (${workers} workers)`,
      r.measurements.toLocaleString('en-US'),
      r.committees.toLocaleString('en-US'),
      `${(r.ms / 1000).toFixed(1)} s ${r.ms < 60_000 ? 'PASS' : 'FAIL'}`,
      `${(r.maxRssKb / 1024).toFixed(0)} MB ${r.maxRssKb / 1024 < 2048 ? 'PASS' : 'FAIL'}`,
    ])
  }
  printTable(
    `5. Simulator: ${scenario.nodes.toLocaleString('en-US')} nodes × ${scenario.tasksPerRound.toLocaleString('en-US')} tasks × ${scenario.rounds} rounds (K ${scenario.maxTasksPerNode}) — targets < 60 s, < 2 GB`,
    ['Mode', 'Measurements', 'Committees', 'Time', 'Peak RSS'],
    rows,
    'lrrrr',
  )
}
