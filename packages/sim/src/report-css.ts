/** The report's stylesheet, inlined: the document loads nothing. */
export const CSS = `
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
svg.chart .coincide-note { fill: #4a525c; font-style: italic; }
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
