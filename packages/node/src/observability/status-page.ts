/**
 * The node's status page: one self-contained HTML document (inline CSS and JS, nothing fetched
 * but `api/status`, every 2 s). Everything shown that peers could have supplied (CIDs, miner ids,
 * result codes) goes into the DOM as text nodes or attribute values, never as markup.
 * The style and script are exported on their own so that the server can allow exactly them (CSP hashes).
 */

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
#outdated { margin: 12px 20px 0; padding: 10px 14px; border-radius: 8px; background: var(--bad-bg); color: var(--bad); font-weight: 600; }
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

export const STATUS_PAGE_SCRIPT = `
'use strict'
;(() => {
  const POLL_MS = 2000
  const SVG = 'http://www.w3.org/2000/svg'
  const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#64748b', '#ea580c']
  const $ = (id) => document.getElementById(id)
  let status = null
  let offset = 0

  // DOM building: strings only ever become text nodes or attribute values
  const h = (tag, attrs, ...children) => {
    const e = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v))
    e.append(...children.filter((c) => c !== undefined && c !== null).map((c) => (c instanceof Node ? c : String(c))))
    return e
  }
  const s = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag)
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v))
    return e
  }
  const short = (v, head = 8, tail = 6) => (typeof v === 'string' && v.length > head + tail + 1 ? v.slice(0, head) + '…' + v.slice(-tail) : String(v ?? ''))
  const pct = (r) => (typeof r === 'number' ? (r * 100).toFixed(1) + ' %' : 'n/a')
  const interval = (b, over) =>
    Array.isArray(b) ? '95 % Wilson interval [' + (b[0] * 100).toFixed(1) + ' – ' + (b[1] * 100).toFixed(1) + ' %] over ' + over : 'n/a: nothing counted'
  const pill = (result) =>
    result === null || result === undefined ? h('span', { class: 'pill none' }, '—') : h('span', { class: 'pill ' + (result === 'OK' ? 'ok' : 'fail') }, result)
  const setText = (id, v) => {
    const e = $(id)
    if (e.textContent !== String(v)) e.textContent = String(v)
  }
  const rows = (id, list, empty, columns) => {
    const body = $(id).tBodies[0]
    body.replaceChildren(...(list.length ? list : [h('tr', {}, h('td', { class: 'empty', colspan: columns }, empty))]))
  }

  // one colour per provider, stable while the set of providers is
  const colours = new Map()
  const colourOf = (minerId) => colours.get(minerId) || '#888'
  const assignColours = (providers) => {
    colours.clear()
    providers.forEach((p, i) => colours.set(p, COLORS[i % COLORS.length]))
  }

  const renderNode = (st) => {
    setText('peer-id', st.peerId || '—')
    $('peer-id').title = st.peerId || ''
    setText('station-id', short(st.stationId, 10, 6) || '—')
    $('station-id').title = st.stationId || ''
    setText('network', st.network)
    setText('version', st.version || '—')
    setText('inet-group', st.inetGroup || 'not set')
    const r = st.reachability
    setText(
      'reachability',
      r
        ? (r.nonLoopback ? 'listens on a non-loopback address' : r.listenAddresses ? 'loopback only: peers on other machines cannot dial it' : 'not listening') +
            ' (' + r.listenAddresses + ' listen address' + (r.listenAddresses === 1 ? '' : 'es') + '), ' + r.peers + ' peer' + (r.peers === 1 ? '' : 's') + ' connected'
        : '—',
    )
    $('reachability').title = (st.multiaddrs || []).join(' ')
    setText('peers', st.peers)
    setText('jobs-completed', st.jobsCompleted)
    setText('store', st.store.measurements + ' measurements, ' + (st.store.bytes / 1048576).toFixed(1) + ' MiB')
    $('outdated').hidden = !st.outdated
  }

  const renderTasks = (st) =>
    rows(
      'tasks-table',
      st.tasks.map((t) =>
        h('tr', { 'data-provider': t.minerId }, h('td', { class: 'mono', title: t.cid }, short(t.cid, 10, 8)), h('td', {}, t.minerId), h('td', {}, t.status), h('td', {}, pill(t.retrievalResult))),
      ),
      'no tasks for this node this round',
      4,
    )

  const renderCommittees = (st) => {
    const last = st.rounds[0]
    setText('committees-round', last ? 'round ' + last.round : '')
    rows(
      'committees-table',
      (last ? last.committees : []).map((c) =>
        h(
          'tr',
          { 'data-provider': c.minerId },
          h('td', { class: 'mono', title: c.cid }, short(c.cid, 10, 8)),
          h('td', {}, c.minerId),
          h('td', { class: 'num' }, c.size),
          h('td', {}, pill(c.retrievalResult)),
          h('td', {}, c.mine ? 'member' : '—'),
          h('td', { class: c.confirmed ? 'yes' : '' }, c.confirmed ? '✓' : '—'),
        ),
      ),
      'no anchored round yet',
      6,
    )
  }

  const renderProviders = (st, providers) => {
    const last = st.rounds[0]
    rows(
      'providers-table',
      providers.map((p) => {
        const r = (last && last.providers[p]) || { perRequest: null, committee: null, committeeFraction: null, total: 0 }
        const iv = r.intervals || {}
        return h(
          'tr',
          { 'data-provider': p },
          h('td', {}, h('span', { class: 'swatch', 'data-colour': colourOf(p) }), p),
          h('td', { class: 'num', 'data-testid': 'rsr-value', title: interval(iv.perRequest, r.total + ' requests') }, pct(r.perRequest)),
          h('td', { class: 'num', title: interval(iv.committee, 'its committees') }, pct(r.committee)),
          h('td', { class: 'num', title: interval(iv.committeeFraction, 'its committees') }, pct(r.committeeFraction)),
          h('td', { class: 'num' }, r.total),
        )
      }),
      'no anchored round yet',
      5,
    )
  }

  const renderChart = (st, providers) => {
    const svg = $('rsr-chart')
    const rounds = st.rounds.slice().reverse()
    // drawn at the size shown, so that text stays at its size whatever the width
    // margins hold the tick labels (a round number is centred on its tick, so R is half of one) and the axis titles
    const W = Math.max(320, Math.round(svg.clientWidth || 640)), H = 260, L = 62, R = 28, T = 12, B = 44
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H)
    const x = (i) => (rounds.length < 2 ? L + (W - L - R) / 2 : L + (i * (W - L - R)) / (rounds.length - 1))
    const y = (rate) => T + (1 - rate) * (H - T - B)
    const parts = []
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      parts.push(s('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }))
      const label = s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' })
      label.textContent = v * 100 + '%'
      parts.push(label)
    }
    const every = Math.max(1, Math.ceil(rounds.length / Math.floor(W / 48)))
    rounds.forEach((r, i) => {
      if (i % every) return
      const label = s('text', { x: x(i), y: H - B + 16, 'text-anchor': 'middle' })
      label.textContent = String(r.round)
      parts.push(label)
    })
    const xTitle = s('text', { class: 'axis-label', 'data-testid': 'rsr-x-label', x: L + (W - L - R) / 2, y: H - 6, 'text-anchor': 'middle' })
    xTitle.textContent = 'round (anchored)'
    const yMid = T + (H - T - B) / 2
    const yTitle = s('text', { class: 'axis-label', 'data-testid': 'rsr-y-label', x: 14, y: yMid, 'text-anchor': 'middle', transform: 'rotate(-90 14 ' + yMid + ')' })
    yTitle.textContent = 'per-request RSR'
    parts.push(xTitle, yTitle)
    for (const p of providers) {
      const points = []
      rounds.forEach((r, i) => {
        const rate = r.providers[p] && r.providers[p].perRequest
        if (typeof rate === 'number') points.push([x(i), y(rate), r.round, rate, r.providers[p].total])
      })
      const line = s('polyline', { points: points.map((q) => q[0].toFixed(1) + ',' + q[1].toFixed(1)).join(' '), stroke: colourOf(p), 'data-points': points.length })
      line.setAttribute('data-provider', p)
      parts.push(line)
      for (const q of points) {
        const dot = s('circle', { cx: q[0].toFixed(1), cy: q[1].toFixed(1), r: 3, fill: colourOf(p) })
        const tip = s('title')
        tip.textContent = p + ' · round ' + q[2] + ': ' + pct(q[3]) + ' (' + q[4] + ' requests)'
        dot.append(tip)
        parts.push(dot)
      }
    }
    if (!rounds.length) {
      const none = s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' })
      none.textContent = 'no anchored round yet'
      parts.push(none)
    }
    svg.replaceChildren(...parts)
    $('rsr-legend').replaceChildren(...providers.map((p) => h('span', { 'data-provider': p }, h('span', { class: 'swatch', 'data-colour': colourOf(p) }), p)))
    // swatches get their colour through the CSSOM (inline style attributes are not allowed)
    for (const sw of document.querySelectorAll('.swatch[data-colour]')) sw.style.background = sw.getAttribute('data-colour')
  }

  const renderSummaries = (st) => {
    const list = st.rounds.map((r) => h('li', { 'data-round': r.round }, h('span', {}, 'round ' + r.round + ': '), h('code', {}, r.summaryCid)))
    $('summaries').replaceChildren(...(list.length ? list : [h('li', { class: 'empty' }, 'none yet')]))
  }

  const render = (st) => {
    const providers = [...new Set(st.rounds.flatMap((r) => Object.keys(r.providers)))].sort()
    assignColours(providers)
    renderNode(st)
    renderTasks(st)
    renderCommittees(st)
    renderProviders(st, providers)
    renderChart(st, providers)
    renderSummaries(st)
    tick()
  }

  // the round and its countdown move on between polls, in the node's clock
  const tick = () => {
    if (!status) return
    const duration = status.roundEndsAt - status.roundStartedAt
    const now = Date.now() + offset
    const passed = duration > 0 ? Math.max(0, Math.floor((now - status.roundStartedAt) / duration)) : 0
    const round = status.round + passed
    const endsAt = status.roundEndsAt + passed * duration
    const left = Math.max(0, endsAt - now)
    setText('round', round)
    document.title = 'Round ' + round + ' · Spark Swarm checker'
    setText('countdown', left >= 60000 ? Math.floor(left / 60000) + ':' + String(Math.floor((left % 60000) / 1000)).padStart(2, '0') : (left / 1000).toFixed(1) + ' s')
    $('round-progress').value = duration > 0 ? 1 - left / duration : 0
  }

  const poll = async () => {
    const started = Date.now()
    try {
      const res = await fetch('api/status', { cache: 'no-store', signal: AbortSignal.timeout(5000) })
      if (!res.ok) throw new Error('HTTP ' + res.status)
      const st = await res.json()
      const serverTime = Number(res.headers.get('x-server-time'))
      if (serverTime > 0) offset = serverTime - (started + Date.now()) / 2
      status = st
      render(st)
      $('conn').className = ''
      setText('conn', 'live · updated ' + new Date().toLocaleTimeString())
    } catch (err) {
      $('conn').className = 'down'
      setText('conn', 'disconnected (' + (err && err.message ? err.message : String(err)) + ')')
    } finally {
      setTimeout(poll, POLL_MS)
    }
  }
  setInterval(tick, 200)
  window.addEventListener('resize', () => status && render(status))
  poll()
})()
`

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spark Swarm checker</title>
<link rel="icon" href="data:,">
<style>${STATUS_PAGE_STYLE}</style>
</head>
<body>
<header><h1>Spark Swarm checker</h1><span id="network" data-testid="network"></span><span id="conn" data-testid="connection">connecting…</span></header>
<div id="outdated" data-testid="outdated" role="alert" hidden>OUTDATED: the network says this checker is too old, so it does no work. Upgrade it.</div>
<main>
<section data-testid="node"><h2>Node</h2><dl>
<dt>Peer id</dt><dd id="peer-id" class="mono" data-testid="peer-id"></dd>
<dt>Station id</dt><dd id="station-id" class="mono" data-testid="station-id"></dd>
<dt>Version</dt><dd id="version" data-testid="version"></dd>
<dt>Inet group</dt><dd id="inet-group" class="mono" data-testid="inet-group"></dd>
<dt>Reachability</dt><dd id="reachability" data-testid="reachability"></dd>
<dt>Peers</dt><dd id="peers" data-testid="peers"></dd>
<dt>Jobs completed</dt><dd id="jobs-completed" data-testid="jobs-completed"></dd>
<dt>Store</dt><dd id="store" data-testid="store"></dd>
</dl></section>
<section data-testid="current-round"><h2>Current round</h2>
<div class="round-line"><span class="big" id="round" data-testid="round">—</span><span>ends in <strong id="countdown" data-testid="countdown">—</strong></span></div>
<progress id="round-progress" max="1" value="0"></progress>
<div class="scroll"><table id="tasks-table" data-testid="tasks-table"><thead><tr><th>Task CID</th><th>Provider</th><th>Status</th><th>Result</th></tr></thead><tbody></tbody></table></div>
</section>
<section class="wide" data-testid="rsr-section"><h2>Retrieval success rate per provider (per request)</h2>
<svg id="rsr-chart" data-testid="rsr-chart" viewBox="0 0 640 260" role="img" aria-label="Retrieval success rate per provider over the last rounds"></svg>
<div id="rsr-legend" data-testid="rsr-legend"></div>
</section>
<section data-testid="providers"><h2>Providers, last anchored round</h2>
<div class="scroll"><table id="providers-table" data-testid="providers-table"><thead><tr><th>Provider</th><th class="num">Per-request RSR</th><th class="num">Committee RSR</th><th class="num">Committee-fraction RSR</th><th class="num">Requests</th></tr></thead><tbody></tbody></table></div>
</section>
<section data-testid="summaries-section"><h2>Latest summaries</h2><ul id="summaries" data-testid="summaries"></ul></section>
<section class="wide" data-testid="committees"><h2>Committees <span id="committees-round" data-testid="committees-round"></span></h2>
<div class="scroll"><table id="committees-table" data-testid="committees-table"><thead><tr><th>Task CID</th><th>Provider</th><th class="num">Size</th><th>Majority result</th><th>This node</th><th>Confirmed (agree)</th></tr></thead><tbody></tbody></table></div>
</section>
<section class="wide" id="legend" data-testid="legend"><h2>How to read this page</h2><ul>
<li><strong>Committee</strong>: the nodes given the same task (a CID at a provider) in a round; its majority result is the network’s verdict on that task.</li>
<li><strong>Per-request RSR</strong>: the share of all the provider’s retrieval requests that succeeded (every counted measurement, minority results included).</li>
<li><strong>Committee RSR</strong>: the share of the provider’s committees whose majority result is a success (committees too small or without a majority are left out).</li>
<li><strong>Committee-fraction RSR</strong>: the mean, over the provider’s committees, of each committee’s success fraction (its OK members / its counted members).</li>
<li><strong>[lower – upper]</strong>: the 95 % Wilson score interval of a rate; hover over a rate to see it.</li>
<li><strong>n/a</strong>: no request or committee of that provider counted in the round.</li>
<li><strong>Confirmed (agree)</strong>: a strict majority of the committee’s members attested the same committee (same CID: majority and counts) as this node.</li>
</ul></section>
</main>
<script>${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`
