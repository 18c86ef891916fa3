/**
 * The status page's script (inline; the status server allows exactly it by its CSP hash): polls
 * `api/status` every 2 s and renders it, peer-supplied strings as text nodes, never as markup.
 */
import { LOCAL_FAULT_ADVICE } from '../node/health/local-faults.js'

export const STATUS_PAGE_SCRIPT = `
'use strict'
;(() => {
  const POLL_MS = 2000
  const FAULT_ADVICE = ${JSON.stringify(LOCAL_FAULT_ADVICE)}
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
  // version 2 (spec §13): whose checks this node's count as, and from when
  const participantText = (a) => {
    if (!a) return 'none: protocol version 1 (tasks follow the station)'
    if (a.eligible === true) return a.participant + ': eligible'
    // null: this round's read failed; what an earlier round said may be stale, so say nothing of it
    if (a.eligible === null) return a.participant + ': eligibility not known (the chain was not read this round)'
    if (a.eligibleFromRound !== null) return a.participant + ': not eligible yet, eligible from round ' + a.eligibleFromRound
    if (a.fundedAtHead === false) return a.participant + ': not eligible, no deposit: fund it'
    if (a.fundedAtHead === true) return a.participant + ': not eligible yet: it holds the deposit, from which round is not read yet'
    return a.participant + ': not eligible in this round'
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

  // where the group in force came from (spec §5.5)
  const INET_GROUP_SOURCES = {
    configured: '(set by the operator)',
    observed: '(observed by peers)',
    unknown: '(until peers in two networks agree on where they see this node)',
  }

  const renderNode = (st) => {
    setText('peer-id', st.peerId || '—')
    $('peer-id').title = st.peerId || ''
    setText('station-id', short(st.stationId, 10, 6) || '—')
    $('station-id').title = st.stationId || ''
    setText('network', st.network)
    setText('version', st.version || '—')
    setText('inet-group', st.inetGroup || 'not set')
    setText('inet-group-source', INET_GROUP_SOURCES[st.inetGroupSource] || '')
    setText('participant', participantText(st.admission))
    const r = st.reachability
    setText('reachability', r ? r.summary : '—')
    $('reachability').title = (st.multiaddrs || []).join(' ')
    setText('peers', st.peers)
    setText('jobs-completed', st.jobsCompleted)
    setText('store', st.store.measurements + ' measurements, ' + (st.store.bytes / 1048576).toFixed(1) + ' MiB')
    $('outdated').hidden = !st.outdated
    const mismatch = st.params && st.params.mismatch
    $('params-mismatch').hidden = !mismatch
    setText('params-mismatch-detail', mismatch ? 'round ' + mismatch.round + ': the network ' + mismatch.paramsDigest.slice(0, 12) + '…, this node ' + st.params.paramsDigest.slice(0, 12) + '…' : '')
    renderLocalFaults(st.localFaults || [])
  }

  // one line per fault: what failed, since when, that nothing it could cause is blamed on providers, what to do
  const renderLocalFaults = (faults) => {
    const banner = $('local-fault')
    banner.hidden = faults.length === 0
    banner.replaceChildren(
      ...faults.map((f) =>
        h(
          'div',
          { 'data-fault': f.code },
          h('strong', {}, 'LOCAL FAULT ' + f.code),
          ' since ' + new Date(f.since).toLocaleTimeString() + ': ' + f.message + '. Results it could cause are withheld, not blamed on providers, until it clears. What to do: ' + (FAULT_ADVICE[f.code] || 'see docs/operators.md') + '.',
        ),
      ),
    )
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
