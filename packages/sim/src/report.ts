/*
 * The self-contained HTML report of a simulation: one static document (inline CSS and SVG, no
 * script, no external resource) for researchers, readable on screen and printed. It shows the
 * parameters and the command that repeats the run, the seed's two scoring claims checked against
 * the data, the sweep charts (error per method, captured committees, estimated vs true RSR), and
 * for a single run the per-provider estimates, committee sizes and counts.
 */
import { type ClaimFinding, type ClaimPoint, checkClaims, type PooledEstimate, poolProviders, VERDICT_TEXT } from './report-claims.js'
import { attrs, esc, mean, num, pct, points, shellQuote } from './report-html.js'
import { type HistogramBar, histogram, type LineSeries, lineChart, type Marker } from './report-svg.js'
import type { Estimate, RunResult, Scenario, SweepPoint, SweepResult } from './types.js'

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

type Method = 'perRequest' | 'committee' | 'committeeFraction'

const METHODS: readonly { key: Method; label: string; color: string; dash?: string; marker: Marker }[] = [
  { key: 'perRequest', label: 'per-request (Spark/FIL+)', color: '#1f5fa8', marker: 'circle' },
  { key: 'committee', label: 'committee (majority)', color: '#c0392b', dash: '7 4', marker: 'square' },
  { key: 'committeeFraction', label: 'committee-fraction (S3 analogue)', color: '#1e8449', dash: '2 3', marker: 'triangle' },
]

/** Per-provider RSR charts drawn at most (the sweep table and JSON hold the rest). */
const MAX_RSR_CHARTS = 24

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1f24; background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 2px solid #1b1f24; margin-bottom: 20px; padding-bottom: 8px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; border-bottom: 1px solid #c9ced6; padding-bottom: 2px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
.meta { color: #4a525c; margin: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92em; }
th, td { border: 1px solid #c9ced6; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { max-width: 100%; overflow-x: auto; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: #f5f7fa; border: 1px solid #c9ced6; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.swept { background: #fff4c2; }
.tag { display: inline-block; border: 1px solid #8a6d00; color: #6b5400; border-radius: 3px; padding: 0 4px; font-size: 0.8em; margin-left: 4px; }
figure { margin: 12px 0 20px; break-inside: avoid; page-break-inside: avoid; }
figcaption { color: #4a525c; font-size: 0.9em; max-width: 760px; }
svg.chart { max-width: 100%; height: auto; display: block; background: #fff; font-size: 11px; }
svg.chart .grid line { stroke: #e3e7ec; }
svg.chart .axis line { stroke: #4a525c; }
svg.chart .axis text, svg.chart .legend text, svg.chart .rule text { fill: #1b1f24; }
svg.chart .axis-label { font-size: 12px; font-weight: 600; }
svg.chart .bar { fill: #1f5fa8; }
svg.chart .bar.muted { fill: #aab3bf; }
svg.chart .rule line { stroke: #c0392b; stroke-width: 1.5; }
.small-multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 8px 16px; }
.small-multiples h3 { margin: 4px 0; font-size: 0.95em; }
.claim { border: 1px solid #c9ced6; border-left-width: 6px; padding: 8px 14px; margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
.claim[data-verdict="reproduced"] { border-left-color: #1e8449; }
.claim[data-verdict="not-reproduced"] { border-left-color: #c0392b; }
.claim[data-verdict="not-covered"] { border-left-color: #8a939e; }
.claim blockquote { margin: 4px 0 8px; padding-left: 10px; border-left: 3px solid #c9ced6; font-style: italic; }
.verdict { display: inline-block; font-weight: 700; border: 2px solid currentColor; border-radius: 4px; padding: 0 6px; margin-left: 6px; }
.verdict.reproduced { color: #1e8449; }
.verdict.not-reproduced { color: #c0392b; }
.verdict.not-covered { color: #5d6670; }
.rule-text { color: #4a525c; font-size: 0.9em; }
.note { color: #4a525c; font-size: 0.9em; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  pre { white-space: pre-wrap; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 16mm; }
`

function cell(value: unknown, numeric = false): string {
  return `<td${numeric ? ' class="n"' : ''}>${esc(value)}</td>`
}

function table(headers: readonly string[], rows: readonly string[][], numericFrom = 1, extra = ''): string {
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`
  const body = rows.map((r) => `<tr>${r.map((c, i) => cell(c, i >= numericFrom)).join('')}</tr>`).join('')
  return `<div class="scroll"><table${extra}><thead>${head}</thead><tbody>${body}</tbody></table></div>`
}

/** Parameter values exactly as given (no rounding): the point is to repeat the run. */
function raw(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

const SCENARIO_FIELDS: readonly [key: keyof Scenario, meaning: string, fallback?: string][] = [
  ['name', 'scenario name', '(unnamed)'],
  ['seed', 'PRNG seed'],
  ['nodes', 'checker nodes'],
  ['inetGroups', 'distinct /24 groups of honest nodes', 'default: one per node'],
  ['tasksPerRound', 'tasks per round'],
  ['maxTasksPerNode', 'tasks per node per round (K)'],
  ['minCommitteeSize', 'minimum committee size'],
  ['rounds', 'rounds'],
  ['churn', 'nodes joining/leaving per round (share)', 'default: 0'],
  ['messageLoss', 'probability a message is lost', 'default: 0'],
  ['lateDelivery', 'probability a message arrives after the grace period', 'default: 0'],
]

/** Which cell the sweep path varies: a top-level key, or `providers|adversaries.<i>.<field>`. */
function sweptTarget(path: string | undefined): { list?: 'providers' | 'adversaries'; index?: number; key: string } | undefined {
  if (!path) return undefined
  const parts = path.split('.')
  if ((parts[0] === 'providers' || parts[0] === 'adversaries') && parts.length >= 3 && /^\d+$/.test(parts[1] ?? '')) {
    return { list: parts[0], index: Number(parts[1]), key: parts.slice(2).join('.') }
  }
  return { key: path }
}

function sweptMark(isSwept: boolean, sweep: SweepResult['sweep'] | undefined): string {
  if (!isSwept || !sweep) return ''
  return `<span class="tag">swept ${esc(num(sweep.from))} → ${esc(num(sweep.to))}</span>`
}

function scenarioTables(s: Scenario, sweep: SweepResult['sweep'] | undefined): string {
  const target = sweptTarget(sweep?.path)
  const out: string[] = []
  const known = new Set<string>(SCENARIO_FIELDS.map(([k]) => k))
  const rows: string[] = []
  const row = (key: string, meaning: string, value: unknown, fallback?: string) => {
    const swept = target !== undefined && target.list === undefined && target.key === key
    const shown = value === undefined ? `<span class="note">${esc(fallback ?? 'not set')}</span>` : `<code>${esc(raw(value))}</code>`
    rows.push(
      `<tr${swept ? ' class="swept"' : ''}><th>${esc(key)}</th><td>${esc(meaning)}</td><td>${shown}${sweptMark(swept, sweep)}</td></tr>`,
    )
  }
  for (const [key, meaning, fallback] of SCENARIO_FIELDS) row(key, meaning, s[key], fallback)
  for (const [key, value] of Object.entries(s)) {
    if (!known.has(key) && key !== 'providers' && key !== 'adversaries') row(key, '', value)
  }
  out.push(
    `<table data-testid="scenario-table"><thead><tr><th>field</th><th>meaning</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  )

  const listTable = (list: 'providers' | 'adversaries', items: readonly object[], columns: readonly string[], testId: string) => {
    const extra = [...new Set(items.flatMap((it) => Object.keys(it)))].filter((k) => !columns.includes(k))
    const cols = [...columns, ...extra]
    const head = `<tr><th>#</th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`
    const body = items
      .map((it, i) => {
        const cells = cols.map((c) => {
          const v = (it as Record<string, unknown>)[c]
          const swept = target?.list === list && target.index === i && target.key === c
          const text = v === undefined ? '<span class="note">—</span>' : esc(raw(v))
          return `<td${swept ? ' class="swept"' : ''}>${text}${sweptMark(swept, sweep)}</td>`
        })
        return `<tr><td class="n">${i}</td>${cells.join('')}</tr>`
      })
      .join('')
    return `<table data-testid="${testId}"><thead>${head}</thead><tbody>${body}</tbody></table>`
  }
  out.push(`<h3>Providers (${s.providers.length})</h3>`)
  out.push(listTable('providers', s.providers, ['minerId', 'successRate', 'kind', 'failureMix', 'blockedGroups'], 'providers-table'))
  out.push(`<p class="note">Defaults: kind normal; failure mix HTTP_502.</p>`)
  const adversaries = s.adversaries ?? []
  out.push(`<h3>Adversaries (${adversaries.length})</h3>`)
  if (adversaries.length === 0) out.push('<p>None: every node is honest.</p>')
  else {
    out.push(
      listTable(
        'adversaries',
        adversaries,
        ['kind', 'share', 'skipShare', 'identitiesPerRound', 'targetMinerId', 'guessRate', 'failureCode'],
        'adversaries-table',
      ),
    )
    out.push(
      `<p class="note">share: of all nodes; skipShare (lazy) defaults to 0.5; guessRate (always-ok) defaults to 0: checksums are unguessable; failureCode (liars) defaults to HTTP_502.</p>`,
    )
  }
  return out.join('')
}

function repeatCommand(input: ReportInput, scenario: Scenario): string {
  const file = input.scenarioFile ?? 'scenario.json'
  const words = ['spark-swarm', 'sim', '--scenario', shellQuote(file)]
  if (input.sweep) {
    const s = input.sweep.sweep
    words.push('--sweep', shellQuote(`${s.path}=${s.from}:${s.to}:${s.step}`), '--repetitions', String(s.repetitions))
  }
  words.push('--seed', shellQuote(scenario.seed))
  return words.join(' ')
}

function parameters(input: ReportInput, scenario: Scenario): string {
  const out: string[] = ['<section data-testid="parameters"><h2>Parameters</h2>']
  out.push(`<h3>${input.sweep ? 'Base scenario' : 'Scenario'}</h3>`)
  out.push(scenarioTables(scenario, input.sweep?.sweep))
  if (input.sweep) {
    const s = input.sweep.sweep
    out.push('<h3>Sweep</h3>')
    out.push(
      `<table data-testid="sweep-table"><tbody>${[
        ['path', s.path],
        ['from', raw(s.from)],
        ['to', raw(s.to)],
        ['step', raw(s.step)],
        ['repetitions per value', raw(s.repetitions)],
        ['points in this report', String(input.sweep.points.length)],
      ]
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`)
        .join('')}</tbody></table>`,
    )
  }
  out.push('<h3>Repeat this run</h3>')
  out.push(`<pre data-testid="command">${esc(repeatCommand(input, scenario))}</pre>`)
  out.push(
    `<p class="note">${input.scenarioFile ? 'The scenario file is the one this report was made from;' : '<code>scenario.json</code> stands for the scenario file;'} its content is:</p>`,
  )
  out.push(
    `<details><summary>scenario JSON</summary><pre data-testid="scenario-json">${esc(JSON.stringify(scenario, null, 2))}</pre></details>`,
  )
  out.push('</section>')
  return out.join('')
}

function claimsSection(findings: readonly ClaimFinding[]): string {
  const out: string[] = ['<section data-testid="claims"><h2>The seed’s claims</h2>']
  out.push(
    '<p class="note">Two claims from the seed’s comparison of per-request and committee scoring, each checked against the data in this report. The verdicts are computed from the data by the stated rule.</p>',
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

function sweepSection(sweep: SweepResult): string {
  const pts = [...sweep.points].sort((a, b) => a.value - b.value)
  const xLabel = `swept: ${sweep.sweep.path}`
  const out: string[] = ['<section data-testid="sweep"><h2>Sweep</h2>']

  const errorSeries: LineSeries[] = METHODS.map((m) => ({
    label: m.label,
    color: m.color,
    dash: m.dash,
    marker: m.marker,
    attrs: { 'data-method': m.key },
    points: pts.map((p) => [p.value, p.meanError[m.key] * 100] as const),
  }))
  out.push('<figure>')
  out.push(
    lineChart({
      testId: 'error-chart',
      title: 'Mean absolute error of the RSR estimate vs the swept value',
      xLabel,
      yLabel: 'mean |estimate − true| (pp)',
      series: errorSeries,
      yFormat: num,
    }),
  )
  out.push(
    `<figcaption>Mean absolute error |estimate − true success rate| in percentage points, averaged over providers and ${esc(sweep.sweep.repetitions)} repetition(s) per value, for each scoring method.</figcaption></figure>`,
  )

  out.push('<figure>')
  out.push(
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
  )
  out.push(
    '<figcaption>Committees whose majority result differs from what their honest members would have said, as a share of all committees (mean over repetitions).</figcaption></figure>',
  )

  const allRuns = pts.flatMap((p) => p.runs)
  const ids = minerIds(allRuns)
  const pooledAt = pts.map((p) => new Map(poolProviders(p.runs).map((pp) => [pp.minerId, pp])))
  out.push('<h3>Estimated vs true RSR per provider</h3>')
  if (ids.length === 0) out.push('<p>No run results in this sweep.</p>')
  else {
    out.push('<div class="small-multiples" data-testid="rsr-charts">')
    for (const id of ids.slice(0, MAX_RSR_CHARTS)) {
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
      out.push(`<figure><h3>${esc(id)}</h3>`)
      out.push(
        lineChart({
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
        }),
      )
      out.push('</figure>')
    }
    out.push('</div>')
    if (ids.length > MAX_RSR_CHARTS) out.push(`<p class="note">${ids.length - MAX_RSR_CHARTS} more providers are in the JSON output.</p>`)
    out.push('<p class="note">Each estimate is pooled over the repetitions at that value (rates weighted by their sample counts).</p>')
  }

  out.push('<h3>Per value</h3>')
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
  out.push(
    table(
      [
        sweep.sweep.path,
        'runs',
        'MAE per-request',
        'MAE committee',
        'MAE committee-fraction',
        'captured committees',
        'mean committee size',
        'adversarial share of rewards',
      ],
      rows,
      0,
      ' data-testid="sweep-points"',
    ),
  )
  out.push('</section>')
  return out.join('')
}

function estimate(e: Estimate): string {
  if (e.rate === null) return `— (n = ${e.samples})`
  const ci = e.lower !== null && e.upper !== null ? ` [${pct(e.lower)}, ${pct(e.upper)}]` : ''
  return `${pct(e.rate, 2)}${ci} n = ${e.samples}`
}

function sizeBars(sizes: Record<string, number>, minSize: number): HistogramBar[] {
  const entries = Object.entries(sizes)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([k, v]) => Number.isFinite(k) && Number.isFinite(v))
    .sort((a, b) => a[0] - b[0])
  if (entries.length === 0) return []
  const lo = entries[0]![0]
  const hi = entries[entries.length - 1]![0]
  const width = hi - lo + 1 > 60 ? Math.ceil((hi - lo + 1) / 40) : 1
  const bins = new Map<number, number>()
  for (const [k, v] of entries) {
    const start = lo + Math.floor((k - lo) / width) * width
    bins.set(start, (bins.get(start) ?? 0) + v)
  }
  return [...bins.entries()].map(([from, count]) => ({ from, to: from + width - 1, count, muted: from + width - 1 < minSize }))
}

function runSection(run: RunResult): string {
  const out: string[] = ['<section data-testid="run"><h2>Single run</h2>']
  out.push('<h3>Providers</h3>')
  out.push(
    table(
      [
        'provider',
        'true rate',
        'per-request [95 %]',
        'committee [95 %]',
        'committee-fraction [95 %]',
        'error per-request',
        'error committee',
        'error committee-fraction',
      ],
      run.providers.map((p) => [
        p.minerId,
        pct(p.trueRate, 2),
        estimate(p.perRequest),
        estimate(p.committee),
        estimate(p.committeeFraction),
        points(p.error.perRequest),
        points(p.error.committee),
        points(p.error.committeeFraction),
      ]),
      1,
      ' data-testid="providers-results"',
    ),
  )
  out.push(
    '<p class="note">n: measurements (per-request) or committees (committee, committee-fraction). Errors are |estimate − true rate| in percentage points.</p>',
  )
  const c = run.committees
  const minSize = run.scenario.minCommitteeSize
  out.push('<h3>Committee sizes</h3><figure>')
  out.push(
    histogram({
      testId: 'sizes-chart',
      title: 'Committee size histogram',
      xLabel: 'committee size (valid members)',
      yLabel: 'committees',
      bars: sizeBars(c.sizes, minSize),
      rule: Number.isFinite(minSize) ? { x: minSize, label: `minimum ${minSize}` } : undefined,
    }),
  )
  out.push(
    `<figcaption>Committees per size; grey bars are below the minimum committee size (${esc(minSize)}). Mean size ${esc(num(c.meanSize))}.</figcaption></figure>`,
  )
  out.push('<h3>Counts</h3>')
  const counts: [string, string][] = [
    ['committees', String(c.total)],
    ['mean committee size', num(c.meanSize)],
    ['tasks without committee (no valid measurement)', String(c.withoutCommittee)],
    ['committees too small', String(c.tooSmall)],
    ['majority not found', String(c.majorityNotFound)],
    [
      'committees captured by adversaries',
      `${c.capturedByAdversaries}${c.total > 0 ? ` (${pct(c.capturedByAdversaries / c.total, 2)})` : ''}`,
    ],
    ['measurements', String(run.measurements.total)],
    ['valid measurements', String(run.measurements.valid)],
    ...Object.entries(run.measurements.byTasking).map(([k, v]): [string, string] => [`tasking: ${k}`, String(v)]),
    ['rewarded measurements (MAJORITY_RESULT), honest', String(run.rewards.honest)],
    ['rewarded measurements (MAJORITY_RESULT), adversarial', String(run.rewards.adversarial)],
    ['simulation time', `${num(run.timing.ms)} ms`],
  ]
  out.push(
    `<table data-testid="counts"><tbody>${counts.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="n">${esc(v)}</td></tr>`).join('')}</tbody></table>`,
  )
  out.push('</section>')
  return out.join('')
}

const METHODS_NOTE = `<section data-testid="methods"><h2>Methods in brief</h2><ul>
<li><strong>per-request</strong> (Spark/FIL+): every valid measurement is one datapoint, minority results included.</li>
<li><strong>committee</strong>: one 0/1 datapoint per committee, its majority result.</li>
<li><strong>committee-fraction</strong>: per committee, the success fraction of its valid measurements, averaged over committees (S3’s 5-minute-bucket analogue).</li>
<li>Intervals are 95 % Wilson score intervals; result codes that do not count toward RSR are left out of all three.</li>
<li><strong>true rate</strong>: the provider’s per-request success probability as honest checkers see it, the quantity all three methods estimate.</li>
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
    body.push(claimsSection(checkClaims(data)))
    if (input.sweep) body.push(sweepSection(input.sweep))
    if (input.run) body.push(runSection(input.run))
    body.push(METHODS_NOTE)
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
