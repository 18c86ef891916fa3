/* The report's single-run section: per-provider estimates, committee sizes and counts. */
import { esc, num, pct, points, table } from './report-html.js'
import { type HistogramBar, histogram } from './report-svg.js'
import type { Estimate, RunResult } from './types.js'

function estimate(e: Estimate): string {
  if (e.rate === null) return `n/a (n = ${e.samples})`
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

export function runSection(run: RunResult): string {
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
