import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { wilsonInterval } from '@spark-swarm/protocol'
import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { renderReport } from '../packages/sim/src/report.js'
import type { Estimate, ProviderResult, RunResult, Scenario, SweepResult } from '../packages/sim/src/types.js'
import { launchChromium } from './browser.js'
import { BIN, runCli } from './cli.js'

// The simulator's HTML report in headless Chromium: the charts are drawn (polylines with real
// extent), the claims are visible, and the page asks the network for nothing.
const SCREENSHOT = '/tmp/sim-report.png'

// A hand-made fixture for the renderer (not simulation results): a sweep of the always-fail share.
function est(rate: number, samples: number): Estimate {
  const ci = wilsonInterval(rate * samples, samples)!
  return { rate, lower: ci.lower, upper: ci.upper, samples }
}

function provider(minerId: string, trueRate: number, perRequest: number, committee: number): ProviderResult {
  const pr = est(perRequest, 20_000)
  const c = est(committee, 800)
  const cf = est(perRequest, 800)
  return {
    minerId,
    trueRate,
    perRequest: pr,
    committee: c,
    committeeFraction: cf,
    error: {
      perRequest: Math.abs(perRequest - trueRate),
      committee: Math.abs(committee - trueRate),
      committeeFraction: Math.abs(perRequest - trueRate),
    },
  }
}

const base: Scenario = {
  name: 'always-fail liars <sweep>',
  seed: 'e2e',
  nodes: 2000,
  tasksPerRound: 200,
  maxTasksPerNode: 15,
  minCommitteeSize: 30,
  rounds: 10,
  providers: [
    { minerId: 'f01000', successRate: 0.99 },
    { minerId: 'f02000', successRate: 0.51 },
  ],
  adversaries: [{ kind: 'always-fail', share: 0 }],
}

function runAt(share: number): RunResult {
  const scenario: Scenario = { ...base, adversaries: [{ kind: 'always-fail', share }] }
  const sizes: Record<string, number> = {}
  for (let s = 20; s <= 70; s++) sizes[String(s)] = Math.round(200 * Math.exp(-(((s - 45) / 9) ** 2)))
  return {
    scenario,
    providers: [
      provider('f01000', 0.99, 0.99 * (1 - share), 1),
      provider('f02000', 0.51, 0.51 * (1 - share), Math.max(0, 0.55 - 3 * share)),
    ],
    committees: {
      total: 2000,
      sizes,
      meanSize: 45,
      withoutCommittee: 3,
      tooSmall: 40,
      majorityNotFound: 25,
      capturedByAdversaries: Math.round(2000 * share * share * 10),
    },
    measurements: { total: 90_000, valid: 89_000, byTasking: { OK: 89_000, DUP_INET_GROUP: 1000 } },
    rewards: { honest: 60_000, adversarial: Math.round(60_000 * share * 0.1) },
    timing: { ms: 4321 },
  }
}

const values = [0, 0.01, 0.02, 0.05, 0.1]
const sweep: SweepResult = {
  base,
  sweep: { path: 'adversaries.0.share', from: 0, to: 0.1, step: 0.01, repetitions: 1 },
  points: values.map((v) => {
    const r = runAt(v)
    const errs = (k: 'perRequest' | 'committee' | 'committeeFraction') =>
      r.providers.reduce((a, p) => a + (p.error[k] ?? 0), 0) / r.providers.length
    return {
      value: v,
      runs: [r],
      meanError: { perRequest: errs('perRequest'), committee: errs('committee'), committeeFraction: errs('committeeFraction') },
      meanCaptured: r.committees.capturedByAdversaries,
    }
  }),
}

let browser: Browser | undefined

describe('simulator HTML report in Chromium', () => {
  afterAll(async () => {
    await browser?.close().catch(() => {})
  })

  it('draws the charts and shows the claims', async () => {
    const html = renderReport({ sweep, run: runAt(0.01), generatedAt: '2025-01-01T00:00:00Z' })
    await writeFile('/tmp/sim-report.html', html)
    browser = await launchChromium()
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`)
    })
    const requested: string[] = []
    await page.route('**/*', (route) => {
      requested.push(route.request().url())
      return route.abort()
    })
    await page.setContent(html, { waitUntil: 'load' })

    const chart = page.getByTestId('error-chart')
    await expect.poll(() => chart.isVisible()).toBe(true)
    for (const method of ['perRequest', 'committee', 'committeeFraction']) {
      const line = chart.locator(`polyline[data-method="${method}"]`)
      expect(await line.count()).toBe(1)
      const n = await line.evaluate((el) => (el as SVGPolylineElement).points.numberOfItems)
      expect(n).toBe(values.length)
      expect(n).toBeGreaterThanOrEqual(2)
      const box = await line.boundingBox()
      expect(box, method).not.toBeNull()
      expect(box!.width).toBeGreaterThan(0)
      // the committee error is flat-ish; the per-request one rises with the liar share
      expect(box!.width + box!.height).toBeGreaterThan(50)
    }
    const axisTicks = await chart.locator('g[data-axis="x"] text').count()
    expect(axisTicks).toBeGreaterThanOrEqual(3)
    expect(await chart.locator('.legend text').allTextContents()).toEqual([
      'per-request (Spark/FIL+)',
      'committee (majority)',
      'committee-fraction (S3 analogue)',
    ])

    // per-request and committee-fraction coincide in this fixture: both lines stay visible, and the chart says so
    const [under, over] = await Promise.all(
      ['perRequest', 'committeeFraction'].map((m) =>
        chart.locator(`polyline[data-method="${m}"]`).evaluate((el) => Number.parseFloat(getComputedStyle(el).strokeWidth)),
      ),
    )
    expect(under).toBeGreaterThan(over! + 2)
    const note = chart.locator('text.coincide-note')
    expect(await note.textContent()).toBe(
      'per-request (Spark/FIL+) and committee-fraction (S3 analogue) coincide (the one beneath is drawn wider and paler)',
    )
    const noteBox = (await note.boundingBox())!
    const chartBox = (await chart.boundingBox())!
    expect(noteBox.x + noteBox.width).toBeLessThanOrEqual(chartBox.x + chartBox.width)
    // a line each on what the report's words mean
    const terms = await page.getByTestId('methods').locator('li').allInnerTexts()
    for (const term of [
      'committee:',
      'per-request RSR',
      'committee RSR',
      'committee-fraction RSR',
      '[lower, upper]:',
      'n/a or —:',
      'agree:',
    ])
      expect(
        terms.some((t) => t.startsWith(term)),
        term,
      ).toBe(true)

    for (const id of ['captured-chart', 'sizes-chart']) {
      const box = await page.getByTestId(id).boundingBox()
      expect(box, id).not.toBeNull()
      expect(box!.width * box!.height).toBeGreaterThan(10_000)
    }
    const rsr = page.getByTestId('rsr-chart')
    expect(await rsr.count()).toBe(2)
    const rsrBox = await rsr.first().locator('polyline[data-method="committee"]').boundingBox()
    expect(rsrBox!.width).toBeGreaterThan(0)
    const bars = page.getByTestId('sizes-chart').locator('rect.bar')
    expect(await bars.count()).toBeGreaterThan(10)
    expect((await bars.nth(20).boundingBox())!.height).toBeGreaterThan(0)

    const claims = page.getByTestId('claims')
    await expect.poll(() => claims.isVisible()).toBe(true)
    const verdicts = await claims.locator('.claim').evaluateAll((els) => els.map((el) => el.getAttribute('data-verdict')))
    expect(verdicts).toEqual(['reproduced', 'not-reproduced'])
    expect(await claims.locator('.claim[data-claim="1"] .verdict').innerText()).toBe('reproduced')
    // the scenario name came through as text, not markup
    expect(await page.locator('h1').innerText()).toBe('Spark Swarm simulation: always-fail liars <sweep>')

    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(requested).toEqual([])
    expect(problems).toEqual([])
  })
})

// "Repeat this run" as an operator meets it: the command the report prints, pasted into a shell in
// another directory with `spark-swarm` on PATH, gives the same results as the run it came from.
describe('the report\'s "Repeat this run" command', () => {
  let dir: string | undefined
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const small: Scenario = {
    name: 'repeat me',
    seed: 'repeat-e2e',
    nodes: 60,
    tasksPerRound: 20,
    maxTasksPerNode: 5,
    minCommitteeSize: 5,
    rounds: 3,
    providers: [
      { minerId: 'f01000', successRate: 0.9 },
      { minerId: 'f02000', successRate: 0.4 },
    ],
    adversaries: [{ kind: 'always-fail', share: 0.05 }],
  }

  /** The results without what differs between two runs of the same thing: timings. */
  const withoutTimings = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, v) => (key === 'timing' ? undefined : v))

  const commandOf = (html: string): string => {
    const m = /<pre data-testid="command">([\s\S]*?)<\/pre>/.exec(html)
    if (!m) throw new Error('report.html has no command')
    const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }
    return m[1]!.replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e]!)
  }

  const shell = (command: string, cwd: string, bin: string) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        'sh',
        ['-c', command],
        { cwd, timeout: 60_000, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
        (err, _out, stderr) => resolve({ code: err ? Number((err as NodeJS.ErrnoException).code) || 1 : 0, stderr }),
      )
    })

  for (const [kind, extra, resultFile] of [
    ['a single run', [], 'result.json'],
    ['a sweep', ['--sweep', 'adversaries.0.share=0:0.1:0.1', '--repetitions', '2'], 'sweep.json'],
  ] as const) {
    it(`repeats ${kind} as printed`, async () => {
      dir ??= await mkdtemp(join(tmpdir(), 'spark-swarm-repeat-'))
      const base = join(dir, kind.replace(/ /g, '-'))
      const bin = join(base, 'bin')
      const elsewhere = join(base, 'elsewhere')
      await mkdir(bin, { recursive: true })
      await mkdir(elsewhere)
      await writeFile(join(bin, 'spark-swarm'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
      await chmod(join(bin, 'spark-swarm'), 0o755)
      const file = join(base, 'my scenario.json')
      await writeFile(file, JSON.stringify(small))

      const first = await runCli(['sim', '--scenario', file, ...extra, '--out', join(base, 'first')])
      expect(first.code, first.stderr).toBe(0)
      const command = commandOf(await readFile(join(base, 'first', 'report.html'), 'utf8'))

      const again = await shell(command, elsewhere, bin)
      expect(again.code, again.stderr).toBe(0)
      const original = JSON.parse(await readFile(join(base, 'first', resultFile), 'utf8'))
      const repeated = JSON.parse(await readFile(join(elsewhere, 'repeat', resultFile), 'utf8'))
      expect(withoutTimings(repeated)).toEqual(withoutTimings(original))
      // and the repeated run's report repeats it the same way
      expect(commandOf(await readFile(join(elsewhere, 'repeat', 'report.html'), 'utf8'))).toBe(command)
    }, 60_000)
  }
})
