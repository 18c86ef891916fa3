import { wilsonInterval } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { renderReport } from '../src/report.js'
import { claimOne, claimTwo, strictMajorityProbability } from '../src/report-claims.js'
import { esc, shellQuote } from '../src/report-html.js'
import { coincidences, type LineSeries, lineChart, niceTicks } from '../src/report-svg.js'
import type { Estimate, ProviderResult, RunResult, Scenario, SweepPoint, SweepResult } from '../src/types.js'

// Hand-made fixtures for the renderer, typed against types.ts. The numbers are chosen to exercise
// the claim rules; they are not simulation results.

function est(rate: number | null, samples: number): Estimate {
  if (rate === null || samples === 0) return { rate: null, lower: null, upper: null, samples }
  const ci = wilsonInterval(rate * samples, samples)!
  return { rate, lower: ci.lower, upper: ci.upper, samples }
}

function provider(
  minerId: string,
  trueRate: number,
  perRequest: number | null,
  committee: number | null,
  requests = 20_000,
  committees = 1_000,
): ProviderResult {
  const pr = est(perRequest, perRequest === null ? 0 : requests)
  const c = est(committee, committee === null ? 0 : committees)
  const cf = est(perRequest, perRequest === null ? 0 : committees)
  const err = (e: Estimate) => (e.rate === null ? null : Math.abs(e.rate - trueRate))
  return {
    minerId,
    trueRate,
    perRequest: pr,
    committee: c,
    committeeFraction: cf,
    error: { perRequest: err(pr), committee: err(c), committeeFraction: err(cf) },
  }
}

const BASE: Scenario = {
  name: 'liars sweep',
  seed: 'seed-1',
  nodes: 1000,
  inetGroups: 900,
  tasksPerRound: 100,
  maxTasksPerNode: 15,
  minCommitteeSize: 30,
  rounds: 20,
  providers: [
    { minerId: 'f0100', successRate: 0.99 },
    { minerId: 'f0200', successRate: 0.51, failureMix: { HTTP_502: 2, TIMEOUT: 1 } },
    { minerId: 'f0300', successRate: 0.8, kind: 'region-blocked', blockedGroups: ['10.0'] },
  ],
  adversaries: [{ kind: 'always-fail', share: 0 }],
  churn: 0.01,
}

function run(
  scenario: Scenario,
  providers: ProviderResult[],
  sizes: Record<string, number> = { '28': 3, '40': 10, '41': 12, '55': 4 },
): RunResult {
  const total = Object.values(sizes).reduce((a, b) => a + b, 0)
  return {
    scenario,
    providers,
    committees: { total, sizes, meanSize: 42, withoutCommittee: 1, tooSmall: 3, majorityNotFound: 2, capturedByAdversaries: 1 },
    measurements: { total: 5000, valid: 4900, byTasking: { OK: 4900, DUP_INET_GROUP: 100 } },
    rewards: { honest: 4800, adversarial: 50 },
    timing: { ms: 1234 },
  }
}

/** A sweep of the always-fail share; `half` is the committee RSR of the 51 % provider, `lie` scales the per-request drop. */
function liarSweep(opts: { values: number[]; half: number; lie?: number; name?: string }): SweepResult {
  const base = { ...BASE, name: opts.name ?? BASE.name }
  const points: SweepPoint[] = opts.values.map((share) => {
    const scenario: Scenario = { ...base, adversaries: [{ kind: 'always-fail', share }] }
    const keep = 1 - share * (opts.lie ?? 1)
    const r = run(scenario, [
      provider('f0100', 0.99, 0.99 * keep, share < 0.3 ? 1 : 0),
      provider('f0200', 0.51, 0.51 * keep, opts.half),
      provider('f0300', 0.8, 0.8 * keep, 0.97),
    ])
    return {
      value: share,
      runs: [r],
      meanError: { perRequest: share * 0.77, committee: 0.16 + share, committeeFraction: share * 0.7 },
      meanCaptured: 1,
    }
  })
  return {
    base,
    sweep: { path: 'adversaries.0.share', from: opts.values[0]!, to: opts.values[opts.values.length - 1]!, step: 0.01, repetitions: 1 },
    points,
  }
}

function svgByTestId(html: string, testId: string): string[] {
  const out: string[] = []
  const re = new RegExp(`<svg[^>]*data-testid="${testId}"[^>]*>[\\s\\S]*?</svg>`, 'g')
  for (const m of html.matchAll(re)) out.push(m[0])
  return out
}

function claim(html: string, id: number): { verdict: string; text: string } {
  const m = html.match(new RegExp(`<div class="claim" data-claim="${id}" data-verdict="([a-z-]+)">([\\s\\S]*?)</div>`))
  expect(m, `claim ${id} block`).not.toBeNull()
  return { verdict: m![1]!, text: m![2]! }
}

describe('renderReport', () => {
  const sweep = liarSweep({ values: [0, 0.01, 0.02, 0.03, 0.04], half: 0.55 })
  const html = renderReport({ sweep, generatedAt: '2025-01-01T00:00:00Z' })

  it('is one self-contained document without remote resources or scripts', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html.match(/<html/g)).toHaveLength(1)
    expect(html).not.toMatch(/\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i)
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i)
    expect(html).not.toMatch(/@import/i)
    expect(html).not.toMatch(/<(?:script|link|iframe|img)\b/i)
    expect(html).not.toMatch(/https?:\/\//i)
  })

  it('draws one polyline per method with as many points as sweep points', () => {
    const [chart] = svgByTestId(html, 'error-chart')
    expect(chart).toBeDefined()
    for (const method of ['perRequest', 'committee', 'committeeFraction']) {
      const m = chart!.match(new RegExp(`<polyline data-method="${method}" points="([^"]*)"`))
      expect(m, method).not.toBeNull()
      const pts = m![1]!.trim().split(/\s+/)
      expect(pts).toHaveLength(sweep.points.length)
      for (const p of pts) expect(p).toMatch(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/)
    }
    expect(chart).toContain('class="legend"')
    expect(chart).toContain('per-request (Spark/FIL+)')
    expect(svgByTestId(html, 'captured-chart')).toHaveLength(1)
    // one RSR chart per provider, each with the true rate and the three methods
    const rsr = svgByTestId(html, 'rsr-chart')
    expect(rsr).toHaveLength(3)
    for (const c of rsr) expect(c.match(/<polyline /g)).toHaveLength(4)
  })

  it('lists the base scenario, providers, adversaries, sweep spec and the repeat command', () => {
    expect(html).toContain('data-testid="scenario-table"')
    expect(html).toContain('f0300')
    expect(html).toContain('region-blocked')
    expect(html).toContain('{&quot;HTTP_502&quot;:2,&quot;TIMEOUT&quot;:1}')
    expect(html).toContain('always-fail')
    expect(html).toContain('<td class="swept">0<span class="tag">swept 0 → 0.04</span></td>')
    // the command writes the scenario it runs, so that it works pasted anywhere
    expect(html).toContain(
      `<pre data-testid="command">mkdir -p repeat &amp;&amp; cat &gt; repeat/scenario.json &lt;&lt;${esc("'SCENARIO'")}\n{\n`,
    )
    expect(html).toContain(
      '\nSCENARIO\nspark-swarm sim --scenario repeat/scenario.json --sweep adversaries.0.share=0:0.04:0.01 --repetitions 1 --seed seed-1 --out repeat</pre>',
    )
    expect(html).toContain('generated 2025-01-01T00:00:00Z')
    const withFile = renderReport({ sweep, scenarioFile: "my runs/it's.json" })
    expect(withFile).toContain(esc(`--scenario 'repeat/it'\\''s.json'`))
  })

  it('escapes a malicious scenario name and miner id', () => {
    const evil = `<script>alert(1)</script><img src="https://evil.example/x.png" onerror="x()">`
    const s = liarSweep({ values: [0, 0.01], half: 0.55, name: evil })
    for (const p of s.points) for (const r of p.runs) r.providers[0]!.minerId = `f01</td><b>${evil}`
    const out = renderReport({ sweep: s, title: evil })
    expect(out).not.toContain('<script>')
    expect(out).not.toContain('<img')
    expect(out).not.toContain('<b>')
    expect(out).not.toMatch(/\bsrc\s*=\s*["']?\s*https?:/i)
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;https://evil.example/x.png&quot;')
    expect(out).toContain(`<title>${esc(evil)}</title>`)
  })

  it('gives verdicts computed from the data when it can answer', () => {
    // 1 % liars lower per-request RSR by ≈1 pp; the 51 % provider's committees find OK ~55 % of the time
    const c1 = claim(html, 1)
    expect(c1.verdict).toBe('reproduced')
    expect(c1.text).toContain('reproduced')
    expect(c1.text).toContain('adversaries.0.share = 0.01')
    expect(c1.text).toContain('f0100: 0.99\u00a0pp')
    const c2 = claim(html, 2)
    expect(c2.verdict).toBe('not-reproduced')
    expect(c2.text).toContain('not reproduced')
    expect(c2.text).toContain('f0200')
    expect(c2.text).toContain('55.00\u00a0%')

    // committees always OK at 51 %: claim 2 holds; liars ignored by per-request: claim 1 does not
    const other = renderReport({ sweep: liarSweep({ values: [0, 0.01], half: 0.995, lie: 0 }) })
    expect(claim(other, 1).verdict).toBe('not-reproduced')
    expect(claim(other, 2).verdict).toBe('reproduced')
  })

  it('says "not covered" when the data cannot answer', () => {
    const honest: Scenario = { ...BASE, adversaries: [] }
    const r = run(honest, [provider('f0100', 0.99, 0.99, 1), provider('f0300', 0.8, 0.8, 0.97)])
    const out = renderReport({ run: r })
    for (const id of [1, 2]) {
      const c = claim(out, id)
      expect(c.verdict).toBe('not-covered')
      expect(c.text).toContain('not covered by this run')
    }
    expect(claim(out, 1).text).toContain('No scenario in this report has always-fail adversaries')
    expect(claim(out, 2).text).toContain('No provider in this report has a true rate within')

    // liars that lie about one provider only are not the claim's liars
    const targeted: Scenario = { ...BASE, adversaries: [{ kind: 'always-fail', share: 0.01, targetMinerId: 'f0100' }] }
    const t = renderReport({ run: run(targeted, [provider('f0100', 0.99, 0.98, 1)]) })
    expect(claim(t, 1).verdict).toBe('not-covered')
    expect(claim(t, 1).text).toContain('lying about every provider')

    // liars far from 1 %, and too few committees for the 51 % provider
    const far = liarSweep({ values: [0.1, 0.2], half: 0.9 })
    for (const p of far.points) for (const run of p.runs) run.providers[1] = provider('f0200', 0.51, 0.5, 0.9, 1000, 12)
    const farHtml = renderReport({ sweep: far })
    expect(claim(farHtml, 1).verdict).toBe('not-covered')
    expect(claim(farHtml, 1).text).toContain('closest to 1 % in this report is 10.00\u00a0%')
    expect(claim(farHtml, 2).verdict).toBe('not-covered')
    expect(claim(farHtml, 2).text).toContain('too few to decide')

    // too few requests to resolve a 1 pp drop
    const noisy = liarSweep({ values: [0, 0.01], half: 0.55 })
    for (const p of noisy.points) for (const run of p.runs) run.providers[0] = provider('f0100', 0.99, 0.99 * (1 - p.value), 1, 300)
    const c = claimOne(noisy.points.map((p) => ({ label: String(p.value), runs: p.runs })))
    expect(c.verdict).toBe('not-covered')
    expect(c.evidence.join(' ')).toContain('too wide')
  })

  it('renders a single run: provider table, committee size histogram and counts', () => {
    const r = run({ ...BASE, adversaries: [{ kind: 'always-fail', share: 0.01 }] }, [
      provider('f0100', 0.99, 0.98, 1),
      provider('f0200', 0.51, 0.505, null),
    ])
    const out = renderReport({ run: r })
    expect(out).toContain('data-testid="providers-results"')
    expect(out).toContain('\nSCENARIO\nspark-swarm sim --scenario repeat/scenario.json --seed seed-1 --out repeat</pre>')
    const [sizes] = svgByTestId(out, 'sizes-chart')
    expect(sizes).toBeDefined()
    const bars = [...sizes!.matchAll(/<rect class="(bar(?: muted)?)" data-from="(\d+)" data-to="(\d+)" data-count="(\d+)"/g)]
    expect(bars.map((b) => [b[2], b[4], b[1]])).toEqual([
      ['28', '3', 'bar muted'],
      ['40', '10', 'bar'],
      ['41', '12', 'bar'],
      ['55', '4', 'bar'],
    ])
    expect(sizes).toContain('minimum 30')
    for (const label of [
      'tasks without committee',
      'committees too small',
      'majority not found',
      'captured by adversaries',
      'honest',
      'adversarial',
    ]) {
      expect(out).toContain(label)
    }
    expect(out).not.toContain('data-testid="error-chart"')
    // the 51 % provider without committee decisions cannot answer claim 2
    expect(claim(out, 2).verdict).toBe('not-covered')
  })

  it('bins wide committee size ranges', () => {
    const sizes: Record<string, number> = {}
    for (let s = 1; s <= 200; s++) sizes[String(s)] = s
    const out = renderReport({ run: run(BASE, [provider('f0100', 0.99, 0.99, 1)], sizes) })
    const [chart] = svgByTestId(out, 'sizes-chart')
    const counts = [...chart!.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]))
    expect(counts.length).toBeLessThanOrEqual(41)
    expect(counts.reduce((a, b) => a + b, 0)).toBe((200 * 201) / 2)
  })

  it('renders an empty document without data', () => {
    expect(renderReport({})).toContain('holds no simulation results')
  })
})

describe('report helpers', () => {
  it('niceTicks covers the range with round steps', () => {
    expect(niceTicks(0, 0.04)).toEqual([0, 0.01, 0.02, 0.03, 0.04])
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(3, 97)).toEqual([0, 20, 40, 60, 80, 100])
  })

  it('two methods that coincide stay visible: the one beneath is wider, with larger markers, and a note says so', () => {
    const line = (label: string, ys: number[], dash?: string): LineSeries => ({
      label,
      color: '#000',
      marker: 'circle',
      ...(dash ? { dash } : {}),
      attrs: { 'data-method': label },
      points: ys.map((y, i) => [i, y] as const),
    })
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [line('a', [1, 2, 3]), line('b', [1, 2, 3], '2 3'), line('c', [3, 1, 0])],
    })
    const width = (m: string) => Number(new RegExp(`data-method="${m}"[^>]*stroke-width="([\\d.]+)"`).exec(svg)?.[1])
    expect(width('a')).toBeGreaterThan(width('b'))
    expect(width('b')).toBe(2)
    expect(width('c')).toBe(2)
    expect(svg).toContain('<text class="coincide-note"')
    expect(svg).toContain('a and b coincide (the one beneath is drawn wider and paler)')
    expect(svg).not.toContain('and c coincide')
    // a crossing at one drawn point widens the lower line too, without a note
    expect(
      coincidences([
        {
          label: 'a',
          points: [
            [0, 0],
            [10, 10],
          ],
        },
        {
          label: 'b',
          points: [
            [0, 0],
            [10, 50],
          ],
        },
      ]),
    ).toEqual({ beneath: [1, 0], notes: [] })
    expect(
      coincidences([
        { label: 'a', points: [[0, 0]] },
        { label: 'b', points: [[0, 9]] },
      ]),
    ).toEqual({ beneath: [0, 0], notes: [] })
  })

  it('strictMajorityProbability is the binomial tail above n/2', () => {
    expect(strictMajorityProbability(1, 0.51)).toBeCloseTo(0.51, 10)
    expect(strictMajorityProbability(2, 0.5)).toBeCloseTo(0.25, 10)
    expect(strictMajorityProbability(80, 0.51)).toBeGreaterThan(0.4)
    expect(strictMajorityProbability(80, 0.51)).toBeLessThan(0.6)
    expect(strictMajorityProbability(80, 0.7)).toBeGreaterThan(0.99)
  })

  it('claims ignore empty data', () => {
    expect(claimOne([]).verdict).toBe('not-covered')
    expect(claimTwo([{ label: 'x', runs: [] }]).verdict).toBe('not-covered')
  })

  it('shellQuote quotes only when needed', () => {
    expect(shellQuote('adversaries.0.share=0:0.1:0.01')).toBe('adversaries.0.share=0:0.1:0.01')
    expect(shellQuote('a b')).toBe(`'a b'`)
  })
})
