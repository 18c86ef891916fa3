import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Swarm, startSwarm } from '@spark-swarm/devnet'
import type { CheckerNode } from '@spark-swarm/node'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { instrumentNode, type NodeInstrumentation, type StatusServer, startStatusServer } from '../packages/node/src/observability/index.js'
import { launchChromium } from './browser.js'

// The status page end to end: a real devnet swarm, node 0's status server, and the page in
// headless Chromium, reading /api/status and drawing the round, the tables and the RSR chart.
const SCREENSHOT_COPY = '/tmp/status-page.png'

let swarm: Swarm | undefined
let node: CheckerNode
let metrics: NodeInstrumentation | undefined
let server: StatusServer | undefined
let browser: Browser | undefined
let dir: string
const anchored: number[] = []

function waitForAnchored(count: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node 0 anchored ${anchored.length} < ${count} rounds in ${timeoutMs} ms`)), timeoutMs)
    const check = () => {
      if (new Set(anchored).size >= count) {
        clearTimeout(timer)
        resolve()
      } else setTimeout(check, 100)
    }
    check()
  })
}

describe('status page', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spark-swarm-status-page-'))
    swarm = await startSwarm({ nodes: 3, params: { roundDurationMs: 3000, gracePeriodMs: 1000, maxTasksPerNode: 4, minCommitteeSize: 1 } })
    node = swarm.nodes[0]!
    node.addEventListener('summary:anchored', (e) => anchored.push(e.detail.round))
    metrics = instrumentNode(node)
    server = await startStatusServer({ node, registry: metrics.registry })
    await waitForAnchored(2, 45_000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    metrics?.stop()
    await server?.stop()
    await swarm?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  }, 30_000)

  it('shows the round, countdown, RSR chart and tables of a running node', async () => {
    const minerIds = [...new Set(swarm!.world.catalogue.entries.map((e) => e.minerId))].sort()
    expect(minerIds.length).toBeGreaterThan(1)

    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`)
    })
    // nothing but this server: the page is self-contained
    const requested: string[] = []
    page.on('request', (req) => requested.push(req.url()))

    const response = await page.goto(server!.url)
    expect(response?.status()).toBe(200)

    // the chart has a line per provider, each of at least two rounds
    const chart = page.getByTestId('rsr-chart')
    await page.waitForFunction(
      (count) => {
        const lines = document.querySelectorAll('[data-testid="rsr-chart"] polyline[data-provider]')
        return lines.length >= count && [...lines].every((l) => Number(l.getAttribute('data-points')) >= 2)
      },
      minerIds.length,
      { timeout: 15_000 },
    )
    const lines = await chart.locator('polyline[data-provider]').evaluateAll((els) =>
      els.map((el) => ({
        provider: el.getAttribute('data-provider'),
        points: (el.getAttribute('points') ?? '').trim().split(/\s+/).filter(Boolean),
      })),
    )
    expect(lines.map((l) => l.provider).sort()).toEqual(minerIds)
    for (const line of lines) {
      expect(line.points.length, String(line.provider)).toBeGreaterThanOrEqual(2)
      for (const point of line.points) expect(point).toMatch(/^\d+(\.\d+)?,\d+(\.\d+)?$/)
    }

    // the round shown is the node's
    const shownRound = Number(await page.getByTestId('round').textContent())
    expect(Math.abs(shownRound - node.status().round)).toBeLessThanOrEqual(1)

    // the countdown is visible and counts down
    const countdown = page.getByTestId('countdown')
    await expect.poll(() => countdown.isVisible()).toBe(true)
    expect(await countdown.textContent()).toMatch(/^\d+(\.\d) s$|^\d+:\d\d$/)

    // the providers table lists each provider with percentages
    const rows = page.getByTestId('providers-table').locator('tbody tr[data-provider]')
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({ provider: tr.getAttribute('data-provider'), cells: [...tr.children].map((td) => td.textContent ?? '') })),
    )
    expect(table.map((r) => r.provider).sort()).toEqual(minerIds)
    for (const row of table) expect(row.cells[1], String(row.provider)).toMatch(/^\d{1,3}\.\d %$/)
    // the healthy provider is at 100 %, the broken one at 0 %
    const rsr = Object.fromEntries(table.map((r) => [r.provider, r.cells[1]]))
    if (rsr.f01000) expect(rsr.f01000).toBe('100.0 %')
    if (rsr.f03000) expect(rsr.f03000).toBe('0.0 %')

    // the committees of the last anchored round, and the node itself
    const committees = page.getByTestId('committees-table').locator('tbody tr[data-provider]')
    expect(await committees.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('peer-id').textContent()).toBe(node.peerId)
    expect(await page.getByTestId('outdated').isVisible()).toBe(false)
    expect(await page.getByTestId('summaries').locator('li[data-round] code').count()).toBeGreaterThanOrEqual(2)

    // what the node is: its version, inet group and how reachable it is, as text an operator reads
    const status = node.status()
    expect(await page.getByTestId('version').innerText()).toBe(status.version)
    expect(status.inetGroup).toBe('10.0.0.0/24')
    expect(await page.getByTestId('inet-group').innerText()).toBe('10.0.0.0/24')
    expect(status.inetGroupSource).toBe('configured')
    expect(await page.getByTestId('inet-group-source').innerText()).toBe('(set by the operator)')
    expect(status.reachability.nonLoopback).toBe(false)
    expect(status.reachability.via).toBe('loopback')
    expect(await page.getByTestId('reachability').innerText()).toMatch(
      /^loopback only: peers on other machines cannot dial it \(\d+ listen address(es)?\), \d+ peers? connected$/,
    )

    // the headers say which RSR is which, and the page says what its words mean
    expect(await page.getByTestId('providers-table').locator('thead th').allInnerTexts()).toEqual([
      'Provider',
      'Per-request RSR',
      'Committee RSR',
      'Committee-fraction RSR',
      'Requests',
    ])
    expect(await rows.first().locator('td').nth(1).getAttribute('title')).toMatch(
      /^95 % Wilson interval \[\d+\.\d – \d+\.\d %\] over \d+ requests$/,
    )
    const legend = await page.getByTestId('legend').locator('li').allInnerTexts()
    for (const term of [
      'Committee:',
      'Per-request RSR:',
      'Committee RSR:',
      'Committee-fraction RSR:',
      '[lower – upper]:',
      'n/a:',
      'Confirmed (agree):',
    ])
      expect(
        legend.some((l) => l.startsWith(term)),
        term,
      ).toBe(true)
    expect(await page.getByTestId('legend').isVisible()).toBe(true)

    // the chart's axes are labelled, and every label lies inside the chart: none is clipped
    expect(await chart.getByTestId('rsr-x-label').textContent()).toBe('round (anchored)')
    expect(await chart.getByTestId('rsr-y-label').textContent()).toBe('per-request RSR')
    const clipped = await chart.evaluate((svg) => {
      const box = svg.getBoundingClientRect()
      return [...svg.querySelectorAll('text')]
        .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
        .filter(({ r }) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        .map(({ text }) => text)
    })
    expect(clipped).toEqual([])

    const file = join(dir, 'status-page.png')
    await page.screenshot({ path: file, fullPage: true })
    expect((await stat(file)).size).toBeGreaterThan(10_000)
    await copyFile(file, SCREENSHOT_COPY)

    const origin = new URL(server!.url).origin
    expect(requested.filter((u) => !u.startsWith(origin))).toEqual([])
    expect(problems).toEqual([])
    await context.close()
  }, 60_000)

  it('shows peer-supplied strings as text, and the OUTDATED banner', async () => {
    // a node whose status carries markup where miner ids, CIDs and result codes go
    const evil = '<img src=x onerror="window.__pwned=1">'
    const real = node.status()
    const status = {
      ...real,
      outdated: true,
      tasks: [{ cid: evil, minerId: evil, status: 'done', retrievalResult: evil }],
      rounds: [0, 1].map((i) => ({
        round: real.round - 2 + i,
        summaryCid: evil,
        committees: [{ cid: evil, minerId: evil, size: 1, retrievalResult: evil, mine: true, attestedCid: evil, confirmed: true }],
        providers: { [evil]: { perRequest: 0.5 + i / 4, committee: 1, committeeFraction: 1, total: 2 } },
      })),
    }
    const fake = { status: () => status, host: {}, addEventListener() {}, removeEventListener() {} }
    const evilServer = await startStatusServer({ node: fake as unknown as CheckerNode, registry: metrics!.registry })
    try {
      browser ??= await launchChromium()
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(evilServer.url)
      await page.getByTestId('outdated').waitFor({ state: 'visible' })
      const line = page.locator('[data-testid="rsr-chart"] polyline')
      await expect.poll(() => line.getAttribute('data-provider')).toBe(evil)
      expect(await page.getByTestId('providers-table').locator('tbody td').first().textContent()).toBe(evil)
      expect(await page.getByTestId('committees-table').locator('tbody td').nth(1).textContent()).toBe(evil)
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
      await context.close()
    } finally {
      await evilServer.stop()
    }
  }, 30_000)
  it('keeps a mainnet-sized round number on the chart inside it', async () => {
    // round numbers of a network months old: the last label sits on the right edge
    const real = node.status()
    const rounds = [0, 1, 2].map((i) => ({
      round: 4_812_345 + i,
      summaryCid: 'bafysummary',
      committees: [],
      providers: { f01000: { perRequest: 1 - i / 4, committee: 1, committeeFraction: 1, total: 8 } },
    }))
    const fake = { status: () => ({ ...real, rounds: rounds.reverse() }), host: {}, addEventListener() {}, removeEventListener() {} }
    const fakeServer = await startStatusServer({ node: fake as unknown as CheckerNode, registry: metrics!.registry })
    try {
      browser ??= await launchChromium()
      const context = await browser.newContext({ viewport: { width: 700, height: 900 } })
      const page = await context.newPage()
      await page.goto(fakeServer.url)
      const chart = page.getByTestId('rsr-chart')
      await expect.poll(() => chart.locator('text').allTextContents()).toContain('4812347')
      const clipped = await chart.evaluate((svg) => {
        const box = svg.getBoundingClientRect()
        return [...svg.querySelectorAll('text')]
          .filter((t) => {
            const r = t.getBoundingClientRect()
            return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5
          })
          .map((t) => t.textContent)
      })
      expect(clipped).toEqual([])
      await context.close()
    } finally {
      await fakeServer.stop()
    }
  }, 30_000)
})
