/** The status page's stylesheet (inline; the status server allows exactly it by its CSP hash). */
export const STATUS_PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1c2330; --muted: #667085; --line: #e3e6eb;
  --ok: #15803d; --ok-bg: #dcfce7; --bad: #b91c1c; --bad-bg: #fee2e2; --accent: #2563eb; }
@media (prefers-color-scheme: dark) { :root { --bg: #0f1419; --card: #171d24; --fg: #e6e9ee; --muted: #98a2b3;
  --line: #2a323c; --ok: #4ade80; --ok-bg: #12301f; --bad: #f87171; --bad-bg: #3a1717; --accent: #60a5fa; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: baseline; gap: 12px; padding: 14px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 18px; margin: 0; }
#conn { margin-left: auto; color: var(--muted); font-size: 12px; }
#conn.down { color: var(--bad); }
/* the banners: one look for every state that stops or limits the node's work */
#outdated, #local-fault, #params-mismatch { margin: 12px 20px 0; padding: 10px 14px; border-radius: 8px; background: var(--bad-bg); color: var(--bad); }
#outdated, #params-mismatch { font-weight: 600; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; padding: 14px 20px 24px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 10px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.big { font-size: 30px; font-weight: 650; font-variant-numeric: tabular-nums; }
.round-line { display: flex; align-items: baseline; gap: 18px; }
#countdown { font-variant-numeric: tabular-nums; }
progress { width: 100%; height: 6px; margin: 8px 0 10px; accent-color: var(--accent); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 4px 8px 4px 0; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); font-style: italic; }
.pill { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.pill.fail { background: var(--bad-bg); color: var(--bad); }
.pill.none { color: var(--muted); }
.yes { color: var(--ok); font-weight: 700; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
#rsr-chart { width: 100%; height: auto; display: block; }
#rsr-chart text { fill: var(--muted); font-size: 11px; }
#rsr-chart text.axis-label { fill: var(--fg); font-size: 12px; }
#rsr-chart .grid { stroke: var(--line); }
#rsr-chart polyline { fill: none; stroke-width: 2.2; stroke-linejoin: round; }
#rsr-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 6px; font-size: 12.5px; }
#summaries li { margin: 2px 0; overflow-wrap: anywhere; }
#summaries { padding-left: 0; list-style: none; margin: 0; }
.scroll { overflow-x: auto; }
#legend ul { margin: 0; padding-left: 18px; }
#legend li { margin: 2px 0; }
#legend strong { font-weight: 600; }
`
