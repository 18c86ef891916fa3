/*
 * Static inline SVG charts for the HTML report: a line chart and a histogram, with axes, ticks and
 * a legend. No script, no external resource; series differ by colour *and* dash/marker so that the
 * charts stay readable printed in black and white.
 */
import { attrs, esc, num } from './report-html.js'

export type Marker = 'circle' | 'square' | 'triangle' | 'none'

export interface LineSeries {
  label: string
  color: string
  /** SVG stroke-dasharray, e.g. "6 3". */
  dash?: string
  marker: Marker
  strokeWidth?: number
  /** Extra attributes of the series' polyline, e.g. `{ 'data-method': 'committee' }`. */
  attrs?: Record<string, string>
  /** [x, y] in data units; non-finite points are left out. */
  points: ReadonlyArray<readonly [number, number]>
}

export interface LineChartOptions {
  testId?: string
  /** Accessible name of the chart (aria-label and <title>). */
  title: string
  xLabel: string
  yLabel: string
  series: readonly LineSeries[]
  /** Fixed y range; otherwise [min(0, data), max(data)] rounded to nice ticks. */
  yDomain?: readonly [number, number]
  xFormat?: (v: number) => string
  yFormat?: (v: number) => string
  width?: number
  height?: number
  /** Extra attributes of the <svg> element. */
  svgAttrs?: Record<string, string>
}

const MARGIN = { left: 64, right: 20, top: 40, bottom: 50 }

/** 1, 2 or 5 × 10^k ticks covering [lo, hi]; at least two ticks. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  let a = Number.isFinite(lo) ? lo : 0
  let b = Number.isFinite(hi) ? hi : 1
  if (a > b) [a, b] = [b, a]
  if (a === b) {
    const pad = a === 0 ? 1 : Math.abs(a) * 0.5
    a -= pad
    b += pad
    if (lo >= 0 && a < 0) a = 0
  }
  const raw = (b - a) / Math.max(1, target)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const norm = raw / mag
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag
  const start = Math.floor(a / step + 1e-9) * step
  const end = Math.ceil(b / step - 1e-9) * step
  const ticks: number[] = []
  for (let i = 0; ; i++) {
    const t = Number((start + i * step).toPrecision(12))
    if (t > end + step * 1e-6) break
    ticks.push(t)
  }
  return ticks.length >= 2 ? ticks : [start, start + step]
}

/** A point marker; `grow` (px) enlarges it, so that a marker drawn beneath another still rims it. */
function markerSvg(marker: Marker, x: number, y: number, color: string, title: string, grow = 0): string {
  const t = `<title>${esc(title)}</title>`
  const r = 3.5 + grow
  switch (marker) {
    case 'circle':
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${color}">${t}</circle>`
    case 'square':
      return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="${color}">${t}</rect>`
    case 'triangle': {
      const k = r / 3.5
      return `<path d="M${x.toFixed(1)} ${(y - 4.5 * k).toFixed(1)}L${(x + 4 * k).toFixed(1)} ${(y + 3 * k).toFixed(1)}L${(x - 4 * k).toFixed(1)} ${(y + 3 * k).toFixed(1)}Z" fill="${color}">${t}</path>`
    }
    default:
      return ''
  }
}

/** Two drawn points closer than this (px) hide each other. */
const COINCIDE_PX = 1.5

/**
 * Where series would hide one another: for each series, how many series drawn after it pass
 * through one of its points (it is drawn that much wider, with larger markers, so that it rims
 * them), and a note for each pair that coincides everywhere (then the legend says so in words).
 */
export function coincidences(drawn: ReadonlyArray<{ label: string; points: ReadonlyArray<readonly [number, number]> }>): {
  beneath: number[]
  notes: string[]
} {
  const near = (a: readonly [number, number], b: readonly [number, number]) =>
    Math.abs(a[0] - b[0]) < COINCIDE_PX && Math.abs(a[1] - b[1]) < COINCIDE_PX
  const beneath = drawn.map(() => 0)
  const notes: string[] = []
  for (const [i, a] of drawn.entries()) {
    for (const b of drawn.slice(i + 1)) {
      const shared = a.points.filter((p) => b.points.some((q) => near(p, q))).length
      if (shared === 0) continue
      beneath[i] = (beneath[i] ?? 0) + 1
      if (shared === a.points.length && shared === b.points.length)
        notes.push(`${a.label} and ${b.label} coincide (the one beneath is drawn wider and paler)`)
    }
  }
  return { beneath, notes }
}

interface Frame {
  width: number
  height: number
  /** Top of the plot area (below the legend). */
  top: number
  px: (x: number) => number
  py: (y: number) => number
  xTicks: number[]
  yTicks: number[]
}

function axes(f: Frame, xLabel: string, yLabel: string, xFormat: (v: number) => string, yFormat: (v: number) => string): string {
  const left = MARGIN.left
  const right = f.width - MARGIN.right
  const top = f.top
  const bottom = f.height - MARGIN.bottom
  const out: string[] = []
  out.push(`<g class="grid">`)
  for (const t of f.yTicks) out.push(`<line x1="${left}" x2="${right}" y1="${f.py(t).toFixed(1)}" y2="${f.py(t).toFixed(1)}"/>`)
  out.push(`</g>`)
  out.push(`<g class="axis" data-axis="x">`)
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`)
  for (const t of f.xTicks) {
    const x = f.px(t).toFixed(1)
    out.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}"/>`)
    out.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${esc(xFormat(t))}</text>`)
  }
  out.push(`<text class="axis-label" x="${((left + right) / 2).toFixed(1)}" y="${f.height - 8}" text-anchor="middle">${esc(xLabel)}</text>`)
  out.push(`</g>`)
  out.push(`<g class="axis" data-axis="y">`)
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}"/>`)
  for (const t of f.yTicks) {
    const y = f.py(t).toFixed(1)
    out.push(`<line x1="${left - 5}" x2="${left}" y1="${y}" y2="${y}"/>`)
    out.push(`<text x="${left - 8}" y="${y}" dy="0.32em" text-anchor="end">${esc(yFormat(t))}</text>`)
  }
  const cy = ((top + bottom) / 2).toFixed(1)
  out.push(`<text class="axis-label" x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})">${esc(yLabel)}</text>`)
  out.push(`</g>`)
  return out.join('')
}

type LegendItem = Pick<LineSeries, 'label' | 'color' | 'dash' | 'marker' | 'strokeWidth'>

/** Legend item positions, wrapping to new rows at the chart's width. */
function legendLayout(series: readonly LegendItem[], width: number): { x: number; y: number }[] {
  const at: { x: number; y: number }[] = []
  let x = MARGIN.left
  let y = 16
  for (const s of series) {
    const itemWidth = 30 + s.label.length * 5.9 + 16
    if (x + itemWidth > width - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left
      y += 16
    }
    at.push({ x, y })
    x += itemWidth
  }
  return at
}

function legend(series: readonly LegendItem[], width: number): string {
  const out: string[] = ['<g class="legend">']
  const layout = legendLayout(series, width)
  for (const [i, s] of series.entries()) {
    const { x, y } = layout[i]!
    out.push(
      `<line x1="${x}" x2="${x + 26}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="${s.strokeWidth ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    )
    out.push(markerSvg(s.marker, x + 13, y, s.color, s.label))
    out.push(`<text x="${x + 32}" y="${y}" dy="0.32em">${esc(s.label)}</text>`)
  }
  out.push('</g>')
  return out.join('')
}

/** A linear map from [d0, d1] to [r0, r1]. */
function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)
}

/** A line chart with one <polyline> per series (markers at every point, so one point still shows). */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 860
  const height = o.height ?? 360
  const xFormat = o.xFormat ?? num
  const yFormat = o.yFormat ?? num
  const clean = o.series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }))
  const xs = clean.flatMap((s) => s.points.map(([x]) => x))
  const ys = clean.flatMap((s) => s.points.map(([, y]) => y))
  const xTicks = niceTicks(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1)
  const yTicks = o.yDomain
    ? niceTicks(o.yDomain[0], o.yDomain[1])
    : niceTicks(Math.min(0, ...(ys.length ? ys : [0])), ys.length ? Math.max(...ys) : 1)
  const x0 = xTicks[0] as number
  const x1 = xTicks[xTicks.length - 1] as number
  const y0 = yTicks[0] as number
  const y1 = yTicks[yTicks.length - 1] as number
  const legendRows = new Set(legendLayout(clean, width).map((p) => p.y)).size
  // series that coincide would hide each other: find them before anything is drawn (in px, as seen)
  const provisional = { px: scale(x0, x1, MARGIN.left, width - MARGIN.right), py: scale(y0, y1, height - MARGIN.bottom, MARGIN.top) }
  const { beneath, notes } = coincidences(
    clean.map((s) => ({ label: s.label, points: s.points.map(([x, y]) => [provisional.px(x), provisional.py(y)] as const) })),
  )
  const top = Math.max(MARGIN.top, 16 * (legendRows + notes.length) + 24)
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - top - MARGIN.bottom
  const f: Frame = {
    width,
    height,
    top,
    px: (x) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW,
    py: (y) => top + plotH - ((y - y0) / (y1 - y0)) * plotH,
    xTicks,
    yTicks,
  }
  const out: string[] = []
  out.push(
    `<svg${attrs({ 'data-testid': o.testId, ...o.svgAttrs })} class="chart" role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
  )
  out.push(`<title>${esc(o.title)}</title>`)
  out.push(axes(f, o.xLabel, o.yLabel, xFormat, yFormat))
  for (const [i, s] of clean.entries()) {
    const pts = s.points.map(([x, y]) => `${f.px(x).toFixed(1)},${f.py(y).toFixed(1)}`).join(' ')
    const grow = 2.5 * (beneath[i] ?? 0)
    // a line beneath others is wider and paler, so that the thin one on top stands out on it
    const under = grow > 0 ? ' stroke-opacity="0.55"' : ''
    out.push(
      `<g class="series"><polyline${attrs(s.attrs ?? {})} points="${pts}" fill="none" stroke="${s.color}" stroke-width="${(s.strokeWidth ?? 2) + grow}"${under} stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    )
    for (const [x, y] of s.points)
      out.push(markerSvg(s.marker, f.px(x), f.py(y), s.color, `${s.label}: ${xFormat(x)} → ${yFormat(y)}`, grow))
    out.push('</g>')
  }
  out.push(legend(clean, width))
  const noteY = 16 * (legendRows + 1)
  for (const [i, note] of notes.entries())
    out.push(`<text class="coincide-note" x="${MARGIN.left}" y="${noteY + 16 * i}" dy="0.32em">${esc(note)}</text>`)
  out.push('</svg>')
  return out.join('')
}

export interface HistogramBar {
  /** Covers [from, to] inclusive (integers: committee sizes). */
  from: number
  to: number
  count: number
  /** Drawn in the muted colour (e.g. committees below the minimum size). */
  muted?: boolean
}

export interface HistogramOptions {
  testId?: string
  title: string
  xLabel: string
  yLabel: string
  bars: readonly HistogramBar[]
  /** A dashed vertical rule at this x (data units), with a label. */
  rule?: { x: number; label: string }
  width?: number
  height?: number
}

/** A histogram over integer values; each bar is a <rect data-from data-to data-count>. */
export function histogram(o: HistogramOptions): string {
  const width = o.width ?? 860
  const height = o.height ?? 320
  const froms = o.bars.map((b) => b.from)
  const tos = o.bars.map((b) => b.to)
  let lo = froms.length ? Math.min(...froms) - 0.5 : 0
  let hi = tos.length ? Math.max(...tos) + 0.5 : 1
  if (o.rule && Number.isFinite(o.rule.x)) {
    lo = Math.min(lo, o.rule.x - 0.5)
    hi = Math.max(hi, o.rule.x + 0.5)
  }
  const xTicks = niceTicks(lo, hi, 8).filter((t) => t >= lo && t <= hi && Number.isInteger(t))
  const yTicks = niceTicks(0, Math.max(1, ...o.bars.map((b) => b.count)), 5)
  const yMax = yTicks[yTicks.length - 1] as number
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom
  const f: Frame = {
    width,
    height,
    top: MARGIN.top,
    px: (x) => MARGIN.left + ((x - lo) / (hi - lo)) * plotW,
    py: (y) => MARGIN.top + plotH - (y / yMax) * plotH,
    xTicks,
    yTicks,
  }
  const out: string[] = []
  out.push(
    `<svg${attrs({ 'data-testid': o.testId })} class="chart" role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
  )
  out.push(`<title>${esc(o.title)}</title>`)
  out.push(axes(f, o.xLabel, o.yLabel, num, num))
  out.push('<g class="bars">')
  for (const b of o.bars) {
    const x = f.px(b.from - 0.5)
    const w = Math.max(1, f.px(b.to + 0.5) - x - 1)
    const y = f.py(b.count)
    const range = b.from === b.to ? String(b.from) : `${b.from}–${b.to}`
    out.push(
      `<rect class="${b.muted ? 'bar muted' : 'bar'}" data-from="${b.from}" data-to="${b.to}" data-count="${b.count}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${(f.py(0) - y).toFixed(1)}"><title>${esc(`size ${range}: ${b.count}`)}</title></rect>`,
    )
  }
  out.push('</g>')
  if (o.rule && Number.isFinite(o.rule.x)) {
    const x = f.px(o.rule.x - 0.5).toFixed(1)
    out.push(
      `<g class="rule"><line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}" stroke-dasharray="5 3"/><text x="${x}" y="${MARGIN.top - 6}" text-anchor="middle">${esc(o.rule.label)}</text></g>`,
    )
  }
  out.push('</svg>')
  return out.join('')
}
