import type { Estimate, RunResult, SweepResult } from './types.js'

/** RFC 4180 field: quoted when it holds a comma, quote or line break; empty for null. */
function field(value: string | number | null | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const row = (values: Array<string | number | null | undefined>) => values.map(field).join(',')
const estimate = (e: Estimate) => [e.rate, e.lower, e.upper, e.samples]
const METHODS = ['perRequest', 'committee', 'committeeFraction'] as const

/**
 * One row per provider: true rate, each method's rate, 95 % interval and samples, then each
 * method's absolute error. Empty cells for "no samples".
 */
export function runResultToCsv(result: RunResult): string {
  const header = ['minerId', 'trueRate']
  for (const m of METHODS) header.push(m, `${m}Lower`, `${m}Upper`, `${m}Samples`)
  for (const m of METHODS) header.push(`${m}Error`)
  const lines = [header.join(',')]
  for (const p of result.providers) {
    lines.push(
      row([
        p.minerId,
        p.trueRate,
        ...estimate(p.perRequest),
        ...estimate(p.committee),
        ...estimate(p.committeeFraction),
        p.error.perRequest,
        p.error.committee,
        p.error.committeeFraction,
      ]),
    )
  }
  return `${lines.join('\n')}\n`
}

/** One row per swept value × method: mean absolute error, mean captured share, repetitions. */
export function sweepToCsv(sweep: SweepResult): string {
  const lines = [['path', 'value', 'method', 'meanAbsoluteError', 'meanCaptured', 'repetitions'].join(',')]
  for (const p of sweep.points) {
    for (const m of METHODS) lines.push(row([sweep.sweep.path, p.value, m, p.meanError[m], p.meanCaptured, p.runs.length]))
  }
  return `${lines.join('\n')}\n`
}
