/*
 * Small text helpers of the HTML report: escaping, number formatting, shell quoting. Everything
 * that reaches the document from data (scenario names, miner ids, result codes) passes `esc`.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and quoted attribute values alike. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
}

/** `name="value"` pairs, escaped; undefined values are left out. */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('')
}

/** A plain number, short: up to 4 significant digits, no exponent for the usual range. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (value === 0) return '0'
  if (Number.isInteger(value)) return String(value)
  const abs = Math.abs(value)
  if (abs >= 1e-4 && abs < 1e6) return String(Number(value.toPrecision(4)))
  return value.toExponential(3)
}

/** A rate (0–1) as a percentage (no-break space before the sign, so tables wrap between values). */
export function pct(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  return `${(rate * 100).toFixed(digits)}\u00a0%`
}

/** A difference of rates (0–1) in percentage points. */
export function points(delta: number | null | undefined, digits = 2): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '—'
  return `${(delta * 100).toFixed(digits)}\u00a0pp`
}

/** Quotes a shell word only when it needs it (POSIX single quotes). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length
}

export function cell(value: unknown, numeric = false): string {
  return `<td${numeric ? ' class="n"' : ''}>${esc(value)}</td>`
}

export function table(headers: readonly string[], rows: readonly string[][], numericFrom = 1, extra = ''): string {
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`
  const body = rows.map((r) => `<tr>${r.map((c, i) => cell(c, i >= numericFrom)).join('')}</tr>`).join('')
  return `<div class="scroll"><table${extra}><thead>${head}</thead><tbody>${body}</tbody></table></div>`
}

/** Parameter values exactly as given (no rounding): the point is to repeat the run. */
export function raw(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}
