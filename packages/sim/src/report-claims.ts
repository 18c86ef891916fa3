/*
 * Spark's two claims about per-request vs committee scoring, checked against whatever data a
 * report holds. Verdicts are computed, never assumed: a verdict is given only when the 95 %
 * intervals decide it; otherwise the claim is "not covered by this run", with the reason.
 */
import { mean, num, pct, points } from './report-html.js'
import { type PooledEstimate, type ProviderPool, poolProviders } from './report-pool.js'
import type { AdversarySpec, RunResult, Scenario } from './types.js'

/** A set of repetitions of one scenario: a sweep point, or a single run. */
export interface ClaimPoint {
  /** e.g. "adversaries.0.share = 0.01" or "single run". */
  label: string
  runs: readonly RunResult[]
}

export type Verdict = 'reproduced' | 'not-reproduced' | 'not-covered'

export const VERDICT_TEXT: Record<Verdict, string> = {
  reproduced: 'reproduced',
  'not-reproduced': 'not reproduced',
  'not-covered': 'not covered by this run',
}

export interface ClaimFinding {
  id: 1 | 2
  /** The claim in Spark's words. */
  statement: string
  /** How the verdict is decided from the data. */
  rule: string
  verdict: Verdict
  /** What the data says, sentence by sentence (plain text). */
  evidence: string[]
  /** Optional per-provider detail (plain text cells). */
  table?: { headers: string[]; rows: string[][] }
}

/** Always-fail liars that lie about every provider (a `targetMinerId` narrows them to one). */
export function untargetedLiarShare(scenario: Scenario): number {
  return (scenario.adversaries ?? [])
    .filter((a) => a.kind === 'always-fail' && a.targetMinerId === undefined)
    .reduce((s, a) => s + (a.share || 0), 0)
}

export function adversaryShare(scenario: Scenario, kind?: string): number {
  return (scenario.adversaries ?? []).filter((a) => kind === undefined || a.kind === kind).reduce((s, a) => s + (a.share || 0), 0)
}

/** P(X > n/2) for X ~ Binomial(n, p): an all-honest committee of n finding a strict OK majority. */
export function strictMajorityProbability(n: number, p: number): number {
  if (n <= 0) return 0
  if (p <= 0) return 0
  if (p >= 1) return 1
  let logC = 0 // log C(n, k), built up as k grows
  let total = 0
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log(n - k + 1) - Math.log(k)
    if (k > n / 2) total += Math.exp(logC + k * Math.log(p) + (n - k) * Math.log(1 - p))
  }
  return Math.min(1, total)
}

const CLAIM1 =
  'If a bad actor has 1 % of the Spark checkers and they always report that SPs fail, they can bring every SP’s per-request Spark RSR down by ≈1 percentage point.'
const CLAIM2 =
  'In the worst case, an SP could fail retrieval for 49 % of requests but still have a ~100 % committee retrieval success rate.'

/** Healthy providers: the ones claim 1 is about (a failing provider loses less: share × true rate). */
const HEALTHY = 0.9
const LIAR_TARGET = 0.01
const LIAR_WINDOW: readonly [number, number] = [0.005, 0.02]
const HALF_TARGET = 0.51
const HALF_WINDOW: readonly [number, number] = [0.49, 0.55]
const NEAR_FULL = 0.9

function interval(e: PooledEstimate): string {
  if (e.rate === null) return 'no samples'
  return `${pct(e.rate, 2)} [${pct(e.lower, 2)}, ${pct(e.upper, 2)}], n = ${e.samples}`
}

/** Untargeted always-fail liars: the adversaries claim 1 is about. */
function isUntargetedLiar(a: AdversarySpec): boolean {
  return a.kind === 'always-fail' && a.targetMinerId === undefined
}

function liarCodes(runs: readonly RunResult[]): string {
  const codes = new Set(
    runs.flatMap((r) => (r.scenario.adversaries ?? []).filter(isUntargetedLiar).map((a) => a.failureCode ?? 'HTTP_502')),
  )
  return [...codes].join(', ')
}

function otherAdversaries(runs: readonly RunResult[]): string {
  const kinds = new Map<string, number>()
  for (const r of runs)
    for (const a of r.scenario.adversaries ?? []) {
      if (isUntargetedLiar(a)) continue
      const kind = a.targetMinerId === undefined ? a.kind : `${a.kind} (against ${a.targetMinerId})`
      kinds.set(kind, (kinds.get(kind) ?? 0) + (a.share ?? 0) / runs.length)
    }
  const list = [...kinds.entries()].filter(([, s]) => s > 0).map(([k, s]) => `${k} ${pct(s, 2)}`)
  return list.length ? `Other adversaries in this scenario: ${list.join(', ')}.` : 'No other adversaries in this scenario.'
}

/** Per provider at a data point: the drop true rate − per-request RSR, with its 95 % interval. */
interface DropRow {
  p: ProviderPool
  drop: number | null
  dropLo: number | null
  dropHi: number | null
  healthy: boolean
}

function dropRows(runs: readonly RunResult[]): DropRow[] {
  return poolProviders(runs).map((p) => {
    const drop = p.perRequest.rate === null ? null : p.trueRate - p.perRequest.rate
    const dropLo = p.perRequest.upper === null ? null : p.trueRate - p.perRequest.upper
    const dropHi = p.perRequest.lower === null ? null : p.trueRate - p.perRequest.lower
    return { p, drop, dropLo, dropHi, healthy: p.trueRate >= HEALTHY }
  })
}

function dropTable(rows: readonly DropRow[]): NonNullable<ClaimFinding['table']> {
  return {
    headers: ['provider', 'true rate', 'per-request RSR [95 %]', 'drop', 'drop [95 %]', 'healthy'],
    rows: rows.map((r) => [
      r.p.minerId,
      pct(r.p.trueRate, 2),
      interval(r.p.perRequest),
      points(r.drop),
      r.dropLo === null ? '—' : `[${points(r.dropLo)}, ${points(r.dropHi)}]`,
      r.healthy ? 'yes' : 'no',
    ]),
  }
}

/** The verdict on the healthy providers' drops against [s/2, 2s], with the sentences that back it. */
function judgeDrops(healthy: readonly DropRow[], s: number): { verdict: Verdict; evidence: string[] } {
  const lo = s / 2
  const hi = 2 * s
  const inside = healthy.filter((r) => (r.dropLo as number) >= lo && (r.dropHi as number) <= hi)
  const outside = healthy.filter((r) => (r.dropHi as number) < lo || (r.dropLo as number) > hi)
  const drops = healthy.map((r) => `${r.p.minerId}: ${points(r.drop)}`).join(', ')
  const evidence = [`Per-request drop of the healthy provider${healthy.length === 1 ? '' : 's'}: ${drops}.`]
  if (outside.length > 0) {
    evidence.push(
      `${outside.map((r) => r.p.minerId).join(', ')}: the drop is decidedly outside [${points(lo)}, ${points(hi)}] (95 % interval ${outside
        .map((r) => `[${points(r.dropLo)}, ${points(r.dropHi)}]`)
        .join(', ')}).`,
    )
    return { verdict: 'not-reproduced', evidence }
  }
  if (inside.length === healthy.length) {
    evidence.push(`Every healthy provider’s drop interval lies within [${points(lo)}, ${points(hi)}].`)
    return { verdict: 'reproduced', evidence }
  }
  evidence.push(
    `The 95 % intervals are too wide to decide whether the drop lies within [${points(lo)}, ${points(hi)}]: more requests are needed.`,
  )
  return { verdict: 'not-covered', evidence }
}

export function claimOne(data: readonly ClaimPoint[]): ClaimFinding {
  const rule =
    `Take the data point whose share s of always-fail adversaries (lying about every provider) is closest to 1 % (it must lie in ${pct(LIAR_WINDOW[0])}–${pct(LIAR_WINDOW[1])}). ` +
    `For every healthy provider (true rate ≥ ${pct(HEALTHY, 0)}) the drop is true rate − per-request RSR, with the 95 % interval of the estimate. ` +
    'Reproduced if every drop interval lies within [s/2, 2s] (the claim scaled to s); not reproduced if any lies entirely outside; otherwise the data cannot tell.'
  const base = { id: 1 as const, statement: CLAIM1, rule }
  const candidates = data
    .filter((d) => d.runs.length > 0)
    .map((d) => ({ d, share: mean(d.runs.map((r) => untargetedLiarShare(r.scenario))) ?? 0 }))
    .filter((c) => c.share > 0)
  if (candidates.length === 0) {
    return {
      ...base,
      verdict: 'not-covered',
      evidence: ['No scenario in this report has always-fail adversaries lying about every provider.'],
    }
  }
  let best = candidates[0]!
  for (const c of candidates) if (Math.abs(c.share - LIAR_TARGET) < Math.abs(best.share - LIAR_TARGET)) best = c
  const s = best.share
  if (s < LIAR_WINDOW[0] || s > LIAR_WINDOW[1]) {
    return {
      ...base,
      verdict: 'not-covered',
      evidence: [
        `The always-fail share closest to 1 % in this report is ${pct(s, 2)} (${best.d.label}), outside ${pct(LIAR_WINDOW[0])}–${pct(LIAR_WINDOW[1])}.`,
      ],
    }
  }
  const rows = dropRows(best.d.runs)
  const table = dropTable(rows)
  const evidence = [
    `Data point: ${best.d.label} (${best.d.runs.length} repetition${best.d.runs.length === 1 ? '' : 's'}), always-fail share s = ${pct(s, 2)}; the claim scaled to s predicts a drop of ≈${points(s)}.`,
    `The liars report ${liarCodes(best.d.runs)}. ${otherAdversaries(best.d.runs)}`,
  ]
  const healthy = rows.filter((r) => r.healthy && r.drop !== null && r.dropLo !== null && r.dropHi !== null)
  if (healthy.length === 0) {
    return {
      ...base,
      verdict: 'not-covered',
      evidence: [...evidence, `No provider with a true rate ≥ ${pct(HEALTHY, 0)} has per-request samples at this point.`],
      table,
    }
  }
  const judged = judgeDrops(healthy, s)
  return { ...base, verdict: judged.verdict, evidence: [...evidence, ...judged.evidence], table }
}

export function claimTwo(data: readonly ClaimPoint[]): ClaimFinding {
  const rule =
    `Take a provider whose true rate is closest to 51 % (within ${pct(HALF_WINDOW[0], 0)}–${pct(HALF_WINDOW[1], 0)}), at the data point with the fewest adversaries. ` +
    `Reproduced if the 95 % interval of its committee RSR lies entirely at or above ${pct(NEAR_FULL, 0)}; not reproduced if entirely below; otherwise the data cannot tell.`
  const base = { id: 2 as const, statement: CLAIM2, rule }
  type Candidate = { d: ClaimPoint; p: ProviderPool; adversaries: number; meanSize: number; order: number }
  const candidates: Candidate[] = []
  let inRange = 0
  data.forEach((d, order) => {
    if (d.runs.length === 0) return
    const adversaries = mean(d.runs.map((r) => adversaryShare(r.scenario))) ?? 0
    const meanSize = mean(d.runs.map((r) => r.committees.meanSize).filter(Number.isFinite)) ?? 0
    for (const p of poolProviders(d.runs)) {
      if (!(p.trueRate >= HALF_WINDOW[0] && p.trueRate <= HALF_WINDOW[1])) continue
      inRange++
      if (p.committee.samples > 0) candidates.push({ d, p, adversaries, meanSize, order })
    }
  })
  if (candidates.length === 0) {
    return {
      ...base,
      verdict: 'not-covered',
      evidence: [
        inRange > 0
          ? `Providers with a true rate near 51 % are present, but none has a committee that reached a decision.`
          : `No provider in this report has a true rate within ${pct(HALF_WINDOW[0], 0)}–${pct(HALF_WINDOW[1], 0)}.`,
      ],
    }
  }
  candidates.sort(
    (a, b) =>
      Math.abs(a.p.trueRate - HALF_TARGET) - Math.abs(b.p.trueRate - HALF_TARGET) || a.adversaries - b.adversaries || a.order - b.order,
  )
  const c = candidates[0]!
  const com = c.p.committee
  const evidence = [
    `Data point: ${c.d.label} (${c.d.runs.length} repetition${c.d.runs.length === 1 ? '' : 's'}; adversaries ${pct(c.adversaries, 2)} of nodes).`,
    `Provider ${c.p.minerId}: true rate ${pct(c.p.trueRate, 2)} (fails ${pct(1 - c.p.trueRate, 1)} of requests).`,
    `Committee RSR ${interval(com)}; per-request RSR ${interval(c.p.perRequest)}; committee-fraction RSR ${interval(c.p.committeeFraction)}.`,
  ]
  const n = Math.round(c.meanSize)
  if (n > 0) {
    evidence.push(
      `For comparison: with independent per-request failures, an all-honest committee of ${n} members (the mean size here) finds a strict OK majority with probability ${pct(
        strictMajorityProbability(n, c.p.trueRate),
      )}; the claim’s worst case needs every committee to see just over half successes.`,
    )
  }
  if (com.lower !== null && com.lower >= NEAR_FULL) return { ...base, verdict: 'reproduced', evidence }
  if (com.upper !== null && com.upper < NEAR_FULL) return { ...base, verdict: 'not-reproduced', evidence }
  evidence.push(`The 95 % interval of the committee RSR spans ${pct(NEAR_FULL, 0)}: ${num(com.samples)} committees are too few to decide.`)
  return { ...base, verdict: 'not-covered', evidence }
}

export function checkClaims(data: readonly ClaimPoint[]): ClaimFinding[] {
  return [claimOne(data), claimTwo(data)]
}
