/*
 * The self-contained HTML report of a simulation: one static document (inline CSS and SVG, no
 * script, no external resource) for researchers, readable on screen and printed. It shows the
 * parameters and the command that repeats the run, Spark's claims about per-request vs committee
 * scoring checked against the data, the sweep charts (error per method, captured committees, estimated vs true RSR), and
 * for a single run the per-provider estimates, committee sizes and counts.
 */
import { type ClaimFinding, type ClaimPoint, checkClaims, VERDICT_TEXT } from './report-claims.js'
import { CSS } from './report-css.js'
import { attrs, esc, mean, num, pct, points, table } from './report-html.js'
import type { ReportInput } from './report-input.js'
import { parameters } from './report-parameters.js'
import { type PooledEstimate, type ProviderPool, poolProviders } from './report-pool.js'
import { runSection } from './report-run.js'
import { type LineSeries, lineChart, type Marker } from './report-svg.js'
import type { RunResult, SweepPoint, SweepResult } from './types.js'

export type { ReportInput } from './report-input.js'

type Method = 'perRequest' | 'committee' | 'committeeFraction'

const METHODS: readonly { key: Method; label: string; color: string; dash?: string; marker: Marker }[] = [
  { key: 'perRequest', label: 'per-request (Spark/FIL+)', color: '#1f5fa8', marker: 'circle' },
  { key: 'committee', label: 'committee (majority)', color: '#c0392b', dash: '7 4', marker: 'square' },
  { key: 'committeeFraction', label: 'committee-fraction (S3 analogue)', color: '#1e8449', dash: '2 3', marker: 'triangle' },
]

/** Per-provider RSR charts drawn at most (the sweep table and JSON hold the rest). */
const MAX_RSR_CHARTS = 24

function claimsSection(findings: readonly ClaimFinding[]): string {
  const out: string[] = ['<section data-testid="claims"><h2>Spark’s claims about per-request vs committee scoring</h2>']
  out.push(
    '<p class="note">Two claims Spark makes when it compares per-request and committee scoring, each checked against the data in this report. The verdicts are computed from the data by the stated rule.</p>',
  )
  for (const f of findings) {
    out.push(`<div class="claim" data-claim="${f.id}" data-verdict="${f.verdict}">`)
    out.push(`<h3>Claim ${f.id} <span class="verdict ${f.verdict}">${esc(VERDICT_TEXT[f.verdict])}</span></h3>`)
    out.push(`<blockquote>${esc(f.statement)}</blockquote>`)
    out.push(`<ul>${f.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`)
    if (f.table) out.push(table(f.table.headers, f.table.rows, 1))
    out.push(`<p class="rule-text"><strong>Rule:</strong> ${esc(f.rule)}</p>`)
    out.push('</div>')
  }
  out.push('</section>')
  return out.join('')
}

function capturedShare(p: SweepPoint): number {
  const shares = p.runs.filter((r) => r.committees.total > 0).map((r) => r.committees.capturedByAdversaries / r.committees.total)
  return mean(shares) ?? p.meanCaptured
}

function minerIds(runs: readonly RunResult[]): string[] {
  const ids: string[] = []
  const seen = new Set<string>()
  for (const r of runs)
    for (const p of r.providers)
      if (!seen.has(p.minerId)) {
        seen.add(p.minerId)
        ids.push(p.minerId)
      }
  return ids
}

function percentAxis(v: number): string {
  return `${num(v)} %`
}

function errorFigure(sweep: SweepResult, pts: readonly SweepPoint[], xLabel: string): string {
  const errorSeries: LineSeries[] = METHODS.map((m) => ({
    label: m.label,
    color: m.color,
    dash: m.dash,
    marker: m.marker,
    attrs: { 'data-method': m.key },
    points: pts.map((p) => [p.value, p.meanError[m.key] * 100] as const),
  }))
  return [
    '<figure>',
    lineChart({
      testId: 'error-chart',
      title: 'Mean absolute error of the RSR estimate vs the swept value',
      xLabel,
      yLabel: 'mean |estimate − true| (pp)',
      series: errorSeries,
      yFormat: num,
    }),
    `<figcaption>Mean absolute error |estimate − true success rate| in percentage points, averaged over providers and ${esc(sweep.sweep.repetitions)} repetition(s) per value, for each scoring method.</figcaption></figure>`,
  ].join('')
}

function capturedFigure(pts: readonly SweepPoint[], xLabel: string): string {
  return [
    '<figure>',
    lineChart({
      testId: 'captured-chart',
      title: 'Share of committees captured by adversaries vs the swept value',
      xLabel,
      yLabel: 'captured committees (%)',
      series: [
        {
          label: 'captured committees',
          color: '#7d3c98',
          marker: 'circle',
          attrs: { 'data-series': 'captured' },
          points: pts.map((p) => [p.value, capturedShare(p) * 100] as const),
        },
      ],
      yFormat: percentAxis,
    }),
    '<figcaption>Committees whose majority result differs from what their honest members would have said, as a share of all committees (mean over repetitions).</figcaption></figure>',
  ].join('')
}

/** One provider's estimated vs true RSR over the swept values. */
function rsrFigure(id: string, pts: readonly SweepPoint[], pooledAt: ReadonlyArray<Map<string, ProviderPool>>, xLabel: string): string {
  const at = (i: number) => pooledAt[i]?.get(id)
  const rate = (e: PooledEstimate | undefined) => (e?.rate === null || e === undefined ? Number.NaN : e.rate * 100)
  const series: LineSeries[] = [
    {
      label: 'true rate',
      color: '#1b1f24',
      strokeWidth: 1.5,
      marker: 'none',
      attrs: { 'data-series': 'true' },
      points: pts.map((p, i) => [p.value, (at(i)?.trueRate ?? Number.NaN) * 100] as const),
    },
    ...METHODS.map((m) => ({
      label: m.label.replace(/ \(.*\)$/, ''),
      color: m.color,
      dash: m.dash,
      marker: m.marker,
      attrs: { 'data-method': m.key },
      points: pts.map((p, i) => [p.value, rate(at(i)?.[m.key])] as const),
    })),
  ]
  const chart = lineChart({
    testId: 'rsr-chart',
    svgAttrs: { 'data-miner-id': id },
    title: `Estimated vs true RSR of ${id}`,
    xLabel,
    yLabel: 'RSR (%)',
    series,
    yDomain: [0, 100],
    yFormat: percentAxis,
    width: 520,
    height: 300,
  })
  return `<figure><h3>${esc(id)}</h3>${chart}</figure>`
}

function rsrFigures(pts: readonly SweepPoint[], xLabel: string): string {
  const ids = minerIds(pts.flatMap((p) => p.runs))
  const pooledAt = pts.map((p) => new Map(poolProviders(p.runs).map((pp) => [pp.minerId, pp])))
  const out: string[] = ['<h3>Estimated vs true RSR per provider</h3>']
  if (ids.length === 0) {
    out.push('<p>No run results in this sweep.</p>')
    return out.join('')
  }
  out.push('<div class="small-multiples" data-testid="rsr-charts">')
  for (const id of ids.slice(0, MAX_RSR_CHARTS)) out.push(rsrFigure(id, pts, pooledAt, xLabel))
  out.push('</div>')
  if (ids.length > MAX_RSR_CHARTS) out.push(`<p class="note">${ids.length - MAX_RSR_CHARTS} more providers are in the JSON output.</p>`)
  out.push('<p class="note">Each estimate is pooled over the repetitions at that value (rates weighted by their sample counts).</p>')
  return out.join('')
}

function pointsTable(sweep: SweepResult, pts: readonly SweepPoint[]): string {
  const rows = pts.map((p) => {
    const rewards = p.runs.reduce((a, r) => ({ h: a.h + r.rewards.honest, x: a.x + r.rewards.adversarial }), { h: 0, x: 0 })
    return [
      num(p.value),
      String(p.runs.length),
      points(p.meanError.perRequest),
      points(p.meanError.committee),
      points(p.meanError.committeeFraction),
      pct(capturedShare(p), 2),
      num(mean(p.runs.map((r) => r.committees.meanSize))),
      rewards.h + rewards.x > 0 ? pct(rewards.x / (rewards.h + rewards.x), 2) : '—',
    ]
  })
  const headers = [
    sweep.sweep.path,
    'runs',
    'MAE per-request',
    'MAE committee',
    'MAE committee-fraction',
    'captured committees',
    'mean committee size',
    'adversarial share of rewards',
  ]
  return `<h3>Per value</h3>${table(headers, rows, 0, ' data-testid="sweep-points"')}`
}

function sweepSection(sweep: SweepResult): string {
  const pts = [...sweep.points].sort((a, b) => a.value - b.value)
  const xLabel = `swept: ${sweep.sweep.path}`
  return [
    '<section data-testid="sweep"><h2>Sweep</h2>',
    errorFigure(sweep, pts, xLabel),
    capturedFigure(pts, xLabel),
    rsrFigures(pts, xLabel),
    pointsTable(sweep, pts),
    '</section>',
  ].join('')
}

const METHODS_NOTE = `<section data-testid="methods"><h2>How to read this report</h2><ul>
<li><strong>committee</strong>: the checkers given the same task (a CID at a provider) in a round; its majority result is the network’s verdict on that task.</li>
<li><strong>per-request</strong> RSR (Spark/FIL+): the share of all retrieval requests that succeeded; every valid measurement is one datapoint, minority results included.</li>
<li><strong>committee</strong> RSR: the share of committees whose majority result is a success; one 0/1 datapoint per committee (too small or without a majority: left out).</li>
<li><strong>committee-fraction</strong> RSR: the mean of each committee’s success fraction (its OK measurements / its valid ones) over committees (S3’s 5-minute-bucket analogue).</li>
<li><strong>[lower, upper]</strong>: the 95 % Wilson score interval of a rate; <strong>n</strong> is its sample count (measurements, or committees). Result codes that do not count toward RSR are left out of all three.</li>
<li><strong>n/a</strong> or <strong>—</strong>: nothing was counted (no request or committee of that provider), so there is no rate.</li>
<li><strong>agree</strong>: a member agrees with its committee when its result equals the committee’s majority (it is rewarded, MAJORITY_RESULT); <strong>captured</strong>: adversaries made the majority differ from what the honest members would have said.</li>
<li><strong>true rate</strong>: the provider’s per-request success probability as honest checkers see it, the quantity all three methods estimate.</li>
<li>Lines of two methods that coincide are drawn one over the other, the lower one wider and paler, and the chart says so.</li>
</ul></section>`

/** Renders the report as one self-contained HTML document. */
export function renderReport(input: ReportInput): string {
  const scenario = input.sweep?.base ?? input.run?.scenario
  const title = input.title ?? `Spark Swarm simulation${scenario?.name ? `: ${scenario.name}` : ''}`
  const data: ClaimPoint[] = []
  if (input.sweep) for (const p of input.sweep.points) data.push({ label: `${input.sweep.sweep.path} = ${num(p.value)}`, runs: p.runs })
  if (input.run) data.push({ label: 'the single run', runs: [input.run] })

  const body: string[] = []
  body.push(`<header><h1>${esc(title)}</h1>`)
  const meta: string[] = []
  if (scenario) meta.push(`scenario ${scenario.name ? `“${esc(scenario.name)}”` : '(unnamed)'}, seed <code>${esc(scenario.seed)}</code>`)
  if (input.sweep) meta.push(`sweep over <code>${esc(input.sweep.sweep.path)}</code>, ${input.sweep.points.length} values`)
  if (input.run) meta.push('single run')
  if (input.generatedAt) meta.push(`generated ${esc(input.generatedAt)}`)
  body.push(`<p class="meta">${meta.join(' · ')}</p></header>`)
  if (!scenario) {
    body.push('<p data-testid="empty">This report holds no simulation results.</p>')
  } else {
    body.push(parameters(input, scenario))
    // the words before the numbers: a reader meets every term below already explained
    body.push(METHODS_NOTE)
    body.push(claimsSection(checkClaims(data)))
    if (input.sweep) body.push(sweepSection(input.sweep))
    if (input.run) body.push(runSection(input.run))
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="spark-swarm sim">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body><main${attrs({ 'data-testid': 'report' })}>
${body.join('\n')}
</main></body>
</html>
`
}
