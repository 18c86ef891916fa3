#!/usr/bin/env node
// Prints the markdown tables of docs/security.md from `spark-swarm sim --sweep … --out <dir>` results.
//
//   node docs/security/tables.mjs capture <dir>/sweep.json …          share of committees with a wrong result, one column per sweep
//   node docs/security/tables.mjs provider <dir>/sweep.json <minerId>  one provider's three RSRs and the captured share
//   node docs/security/tables.mjs rewards <dir>/sweep.json             the adversaries' share of MAJORITY_RESULT labels
//
// Every number is a mean over the sweep's repetitions; "identities" is the swept share × the scenario's nodes.
import { readFileSync } from 'node:fs'

const [kind, ...args] = process.argv.slice(2)
const load = (file) => JSON.parse(readFileSync(file, 'utf8'))
const mean = (xs) => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length)
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a')
const row = (cells) => `| ${cells.join(' | ')} |`
const captured = (run) => (run.committees.total > 0 ? run.committees.capturedByAdversaries / run.committees.total : 0)

if (kind === 'capture' && args.length > 0) {
  const sweeps = args.map(load)
  const sizes = sweeps.map((s) => mean(s.points.flatMap((p) => p.runs.map((r) => r.committees.meanSize))).toFixed(1))
  console.log(row(['adversary share', ...sizes.map((n) => `mean committee ${n}`)]))
  console.log(row(['---:', ...sizes.map(() => '---:')]))
  for (const [i, point] of (sweeps[0]?.points ?? []).entries()) {
    console.log(row([pct(point.value), ...sweeps.map((s) => pct(mean(s.points[i].runs.map(captured))))]))
  }
} else if (kind === 'provider' && args.length === 2) {
  const [file, minerId] = args
  const sweep = load(file)
  const nodes = sweep.base.nodes
  const of = (run) => run.providers.find((p) => p.minerId === minerId)
  const rate = (point, method) => mean(point.runs.map((r) => of(r)?.[method].rate).filter((x) => typeof x === 'number'))
  console.log(
    row([sweep.sweep.path, 'identities', 'captured (all committees)', `${minerId} per-request`, 'committee', 'committee-fraction']),
  )
  console.log(row(['---:', '---:', '---:', '---:', '---:', '---:']))
  for (const point of sweep.points) {
    const identities = sweep.sweep.path.endsWith('.share') ? String(Math.round(point.value * nodes)) : ''
    console.log(
      row([
        String(point.value),
        identities,
        pct(mean(point.runs.map(captured))),
        pct(rate(point, 'perRequest')),
        pct(rate(point, 'committee')),
        pct(rate(point, 'committeeFraction')),
      ]),
    )
  }
} else if (kind === 'rewards' && args.length === 1) {
  const sweep = load(args[0])
  console.log(row([sweep.sweep.path, 'MAJORITY_RESULT labels to adversaries', 'measurements per run']))
  console.log(row(['---:', '---:', '---:']))
  for (const point of sweep.points) {
    const sum = (pick) => point.runs.reduce((s, r) => s + pick(r), 0)
    const adversarial = sum((r) => r.rewards.adversarial)
    const all = adversarial + sum((r) => r.rewards.honest)
    console.log(
      row([
        String(point.value),
        pct(all > 0 ? adversarial / all : 0),
        String(Math.round(sum((r) => r.measurements.total) / point.runs.length)),
      ]),
    )
  }
} else {
  console.error('usage: tables.mjs capture <sweep.json>… | provider <sweep.json> <minerId> | rewards <sweep.json>')
  process.exitCode = 2
}
