#!/usr/bin/env node
// Prints the markdown tables of docs/security.md from `spark-swarm sim --sweep … --out <dir>` results.
//
//   node docs/security/tables.mjs capture [<label>=]<dir>/sweep.json …
//                                                                      share of committees with a wrong result, one column per sweep
//   node docs/security/tables.mjs provider <dir>/sweep.json <minerId>  one provider's three RSRs and the captured share
//   node docs/security/tables.mjs rewards <dir>/sweep.json             the adversaries' share of MAJORITY_RESULT labels
//   node docs/security/tables.mjs versions <minerId> <v1 sweep.json> <v2 sweep.json>
//                                                                      the same sweep under protocol versions 1 and 2, side by side
//   node docs/security/tables.mjs target <minerId> <label>=<sweep.json> …
//                                                                      captured share of one provider's committees, one pair of columns per sweep
//   node docs/security/tables.mjs columns <label>=<what>:<sweep.json> …
//                                                                      one column per spec, rows by the first sweep's values; <what> is
//                                                                      <minerId>:per-request|committee|committee-fraction (that RSR),
//                                                                      captured (of all committees), labels (the adversaries' share of
//                                                                      MAJORITY_RESULT labels) or measurements (per run)
//   node docs/security/tables.mjs runs <label>=<result.json|sweep.json> …
//                                                                      runs side by side, one row per provider: the share honest checkers
//                                                                      see (of the first), then the three RSRs of each (a sweep: pooled)
//
// Every number is a mean over the sweep's repetitions; "identities" is the swept share × the scenario's nodes.
import { readFileSync } from 'node:fs'

const [kind, ...args] = process.argv.slice(2)
const load = (file) => JSON.parse(readFileSync(file, 'utf8'))
const mean = (xs) => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length)
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a')
const row = (cells) => `| ${cells.join(' | ')} |`
const labelled = (spec) => {
  const at = spec.indexOf('=')
  return at < 0 ? { label: '', file: spec } : { label: spec.slice(0, at), file: spec.slice(at + 1) }
}
const captured = (run) => (run.committees.total > 0 ? run.committees.capturedByAdversaries / run.committees.total : 0)

if (kind === 'capture' && args.length > 0) {
  const specs = args.map(labelled)
  const sweeps = specs.map(({ file }) => load(file))
  const sizes = sweeps.map((s) => mean(s.points.flatMap((p) => p.runs.map((r) => r.committees.meanSize))).toFixed(1))
  console.log(row(['adversary share', ...sizes.map((n, i) => `mean committee ${n}${specs[i].label ? ` ${specs[i].label}` : ''}`)]))
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
} else if (kind === 'versions' && args.length === 3) {
  const [minerId, v1, v2] = [args[0], load(args[1]), load(args[2])]
  const nodes = v1.base.nodes
  const rate = (point, method) =>
    mean(point.runs.map((r) => r.providers.find((p) => p.minerId === minerId)?.[method].rate).filter((x) => typeof x === 'number'))
  const notEligible = (point) => mean(point.runs.map((r) => r.measurements.byTasking.NOT_ELIGIBLE ?? 0))
  console.log(
    row([
      v1.sweep.path,
      'identities',
      'captured v1',
      'captured v2',
      `${minerId} committee RSR v1`,
      'v2',
      `${minerId} per-request v1`,
      'v2',
      'v2 NOT_ELIGIBLE per run',
    ]),
  )
  console.log(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']))
  for (const [i, a] of v1.points.entries()) {
    const b = v2.points[i]
    const identities = v1.sweep.path.endsWith('.share') ? String(Math.round(a.value * nodes)) : ''
    console.log(
      row([
        String(a.value),
        identities,
        pct(mean(a.runs.map(captured))),
        pct(mean(b.runs.map(captured))),
        pct(rate(a, 'committee')),
        pct(rate(b, 'committee')),
        pct(rate(a, 'perRequest')),
        pct(rate(b, 'perRequest')),
        String(Math.round(notEligible(b))),
      ]),
    )
  }
} else if (kind === 'target' && args.length >= 2) {
  // The adversary lies about minerId only and the other providers serve everyone, so every other
  // committee reaches a result: minerId's committees are all committees but the others' samples.
  const [minerId, ...specs] = args
  const sweeps = specs.map((spec) => {
    const at = spec.indexOf('=')
    return { label: spec.slice(0, at), sweep: load(spec.slice(at + 1)) }
  })
  const targetCaptured = (run) => {
    const others = run.providers.filter((p) => p.minerId !== minerId).reduce((s, p) => s + p.committee.samples, 0)
    const mine = run.committees.total - others
    return mine > 0 ? run.committees.capturedByAdversaries / mine : 0
  }
  const committeeRate = (run) => run.providers.find((p) => p.minerId === minerId)?.committee.rate
  const first = sweeps[0].sweep
  const roster = (point) => (first.sweep.path.endsWith('.participants') ? point.value / first.base.nodes : point.value)
  console.log(row(['share of the roster', ...sweeps.flatMap(({ label }) => [`${label}: ${minerId} captured`, 'committee RSR'])]))
  console.log(row(['---:', ...sweeps.flatMap(() => ['---:', '---:'])]))
  for (const [i, point] of first.points.entries()) {
    const cells = sweeps.flatMap(({ sweep }) => {
      const runs = sweep.points[i].runs
      return [pct(mean(runs.map(targetCaptured))), pct(mean(runs.map(committeeRate).filter((x) => typeof x === 'number')))]
    })
    console.log(row([pct(roster(point)), ...cells]))
  }
} else if (kind === 'columns' && args.length > 0) {
  const columns = args.map((spec) => {
    const { label, file } = labelled(spec)
    const parts = file.split(':')
    const what = parts[0] === 'captured' || parts[0] === 'labels' || parts[0] === 'measurements' ? parts.splice(0, 1) : parts.splice(0, 2)
    return { label, what, sweep: load(parts.join(':')) }
  })
  const cell = (what, runs) => {
    if (what[0] === 'captured') return pct(mean(runs.map(captured)))
    if (what[0] === 'measurements') return String(Math.round(mean(runs.map((r) => r.measurements.total))))
    if (what[0] === 'labels') {
      const adversarial = runs.reduce((s, r) => s + r.rewards.adversarial, 0)
      const all = adversarial + runs.reduce((s, r) => s + r.rewards.honest, 0)
      return pct(all > 0 ? adversarial / all : 0)
    }
    const [minerId, method] = what
    const key = { 'per-request': 'perRequest', committee: 'committee', 'committee-fraction': 'committeeFraction' }[method]
    if (key === undefined) throw new Error(`unknown column ${what.join(':')}`)
    return pct(mean(runs.map((r) => r.providers.find((p) => p.minerId === minerId)?.[key].rate).filter((x) => typeof x === 'number')))
  }
  const first = columns[0].sweep
  console.log(row([first.sweep.path, ...columns.map(({ label }) => label)]))
  console.log(row(['---:', ...columns.map(() => '---:')]))
  for (const [i, point] of first.points.entries()) {
    const value = first.sweep.path.endsWith('.share') ? pct(point.value) : String(point.value)
    console.log(row([value, ...columns.map(({ what, sweep }) => cell(what, sweep.points[i].runs))]))
  }
} else if (kind === 'runs' && args.length > 0) {
  // A result.json is one run; a sweep.json's runs are pooled, every number a mean over all of them.
  const runsOf = (json) => (Array.isArray(json.points) ? json.points.flatMap((p) => p.runs) : [json])
  const columns = args.map(labelled).map(({ label, file }) => ({ label, runs: runsOf(load(file)) }))
  const methods = ['perRequest', 'committee', 'committeeFraction']
  const names = { perRequest: 'per-request', committee: 'committee', committeeFraction: 'committee-fraction' }
  const of = (run, minerId) => run.providers.find((p) => p.minerId === minerId)
  console.log(row(['provider', 'seen by checkers', ...methods.flatMap((m) => columns.map(({ label }) => `${names[m]} ${label}`))]))
  console.log(row(['---', '---:', ...methods.flatMap(() => columns.map(() => '---:'))]))
  for (const { minerId } of columns[0].runs[0].providers) {
    const rate = (runs, m) => mean(runs.map((r) => of(r, minerId)?.[m].rate).filter((x) => typeof x === 'number'))
    const seen = mean(columns[0].runs.map((r) => of(r, minerId).trueRate))
    console.log(row([minerId, pct(seen), ...methods.flatMap((m) => columns.map(({ runs }) => pct(rate(runs, m))))]))
  }
} else {
  console.error(
    'usage: tables.mjs capture [<label>=]<sweep.json>… | provider <sweep.json> <minerId> | rewards <sweep.json> | versions <minerId> <v1> <v2> | target <minerId> <label>=<sweep.json>… | columns <label>=<what>:<sweep.json>… | runs <label>=<result.json|sweep.json>…',
  )
  process.exitCode = 2
}
