/* The report's parameters section: the scenario as given, the sweep, and the command that repeats the run. */
import { esc, num, raw, shellQuote } from './report-html.js'
import type { ReportInput } from './report-input.js'
import type { Scenario, SweepResult } from './types.js'

const SCENARIO_FIELDS: readonly [key: keyof Scenario, meaning: string, fallback?: string][] = [
  ['name', 'scenario name', '(unnamed)'],
  ['seed', 'PRNG seed'],
  ['nodes', 'checker nodes'],
  ['inetGroups', 'distinct /24 groups of honest nodes', 'default: one per node'],
  ['tasksPerRound', 'tasks per round'],
  ['maxTasksPerNode', 'tasks per node per round (K)'],
  ['minCommitteeSize', 'minimum committee size'],
  ['rounds', 'rounds'],
  ['churn', 'nodes joining/leaving per round (share)', 'default: 0'],
  ['messageLoss', 'probability a message is lost', 'default: 0'],
  ['lateDelivery', 'probability a message arrives after the grace period', 'default: 0'],
]

/** Which cell the sweep path varies: a top-level key, or `providers|adversaries.<i>.<field>`. */
function sweptTarget(path: string | undefined): { list?: 'providers' | 'adversaries'; index?: number; key: string } | undefined {
  if (!path) return undefined
  const parts = path.split('.')
  if ((parts[0] === 'providers' || parts[0] === 'adversaries') && parts.length >= 3 && /^\d+$/.test(parts[1] ?? '')) {
    return { list: parts[0], index: Number(parts[1]), key: parts.slice(2).join('.') }
  }
  return { key: path }
}

function sweptMark(isSwept: boolean, sweep: SweepResult['sweep'] | undefined): string {
  if (!isSwept || !sweep) return ''
  return `<span class="tag">swept ${esc(num(sweep.from))} → ${esc(num(sweep.to))}</span>`
}

function scenarioTables(s: Scenario, sweep: SweepResult['sweep'] | undefined): string {
  const target = sweptTarget(sweep?.path)
  const out: string[] = []
  const known = new Set<string>(SCENARIO_FIELDS.map(([k]) => k))
  const rows: string[] = []
  const row = (key: string, meaning: string, value: unknown, fallback?: string) => {
    const swept = target !== undefined && target.list === undefined && target.key === key
    const shown = value === undefined ? `<span class="note">${esc(fallback ?? 'not set')}</span>` : `<code>${esc(raw(value))}</code>`
    rows.push(
      `<tr${swept ? ' class="swept"' : ''}><th>${esc(key)}</th><td>${esc(meaning)}</td><td>${shown}${sweptMark(swept, sweep)}</td></tr>`,
    )
  }
  for (const [key, meaning, fallback] of SCENARIO_FIELDS) row(key, meaning, s[key], fallback)
  for (const [key, value] of Object.entries(s)) {
    if (!known.has(key) && key !== 'providers' && key !== 'adversaries') row(key, '', value)
  }
  out.push(
    `<table data-testid="scenario-table"><thead><tr><th>field</th><th>meaning</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  )

  const listTable = (list: 'providers' | 'adversaries', items: readonly object[], columns: readonly string[], testId: string) => {
    const extra = [...new Set(items.flatMap((it) => Object.keys(it)))].filter((k) => !columns.includes(k))
    const cols = [...columns, ...extra]
    const head = `<tr><th>#</th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`
    const body = items
      .map((it, i) => {
        const cells = cols.map((c) => {
          const v = (it as Record<string, unknown>)[c]
          const swept = target?.list === list && target.index === i && target.key === c
          const text = v === undefined ? '<span class="note">—</span>' : esc(raw(v))
          return `<td${swept ? ' class="swept"' : ''}>${text}${sweptMark(swept, sweep)}</td>`
        })
        return `<tr><td class="n">${i}</td>${cells.join('')}</tr>`
      })
      .join('')
    return `<table data-testid="${testId}"><thead>${head}</thead><tbody>${body}</tbody></table>`
  }
  out.push(`<h3>Providers (${s.providers.length})</h3>`)
  out.push(listTable('providers', s.providers, ['minerId', 'successRate', 'kind', 'failureMix', 'blockedGroups'], 'providers-table'))
  out.push(`<p class="note">Defaults: kind normal; failure mix HTTP_502.</p>`)
  const adversaries = s.adversaries ?? []
  out.push(`<h3>Adversaries (${adversaries.length})</h3>`)
  if (adversaries.length === 0) out.push('<p>None: every node is honest.</p>')
  else {
    out.push(
      listTable(
        'adversaries',
        adversaries,
        ['kind', 'share', 'skipShare', 'identitiesPerRound', 'targetMinerId', 'guessRate', 'failureCode'],
        'adversaries-table',
      ),
    )
    out.push(
      `<p class="note">share: of all nodes; skipShare (lazy) defaults to 0.5; guessRate (always-ok) defaults to 0: checksums are unguessable; failureCode (liars) defaults to HTTP_502.</p>`,
    )
  }
  return out.join('')
}

/** Where the repeat command writes its scenario and results: a directory of its own, so it overwrites nothing else. */
export const REPEAT_DIR = 'repeat'

/**
 * A shell command that repeats the run as printed, wherever it is pasted: it writes the scenario
 * this report holds into `repeat/` (the file the run came from may be elsewhere, or changed since),
 * runs the simulator on it with the same sweep and seed, and writes the results next to it.
 */
export function repeatCommand(input: ReportInput, scenario: Scenario): string {
  const name = (input.scenarioFile ?? 'scenario.json').split('/').pop() || 'scenario.json'
  const file = shellQuote(`${REPEAT_DIR}/${name}`)
  const words = ['spark-swarm', 'sim', '--scenario', file]
  if (input.sweep) {
    const s = input.sweep.sweep
    words.push('--sweep', shellQuote(`${s.path}=${s.from}:${s.to}:${s.step}`), '--repetitions', String(s.repetitions))
  }
  words.push('--seed', shellQuote(scenario.seed), '--out', REPEAT_DIR)
  // a quoted here-document: the shell expands nothing in the JSON, and no JSON line is the bare delimiter
  return [`mkdir -p ${REPEAT_DIR} && cat > ${file} <<'SCENARIO'`, JSON.stringify(scenario, null, 2), 'SCENARIO', words.join(' ')].join('\n')
}

export function parameters(input: ReportInput, scenario: Scenario): string {
  const out: string[] = ['<section data-testid="parameters"><h2>Parameters</h2>']
  out.push(`<h3>${input.sweep ? 'Base scenario' : 'Scenario'}</h3>`)
  out.push(scenarioTables(scenario, input.sweep?.sweep))
  if (input.sweep) {
    const s = input.sweep.sweep
    out.push('<h3>Sweep</h3>')
    out.push(
      `<table data-testid="sweep-table"><tbody>${[
        ['path', s.path],
        ['from', raw(s.from)],
        ['to', raw(s.to)],
        ['step', raw(s.step)],
        ['repetitions per value', raw(s.repetitions)],
        ['points in this report', String(input.sweep.points.length)],
      ]
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`)
        .join('')}</tbody></table>`,
    )
  }
  out.push('<h3>Repeat this run</h3>')
  out.push(`<pre data-testid="command">${esc(repeatCommand(input, scenario))}</pre>`)
  out.push(
    `<p class="note">Paste it into a shell, in any directory: it writes the scenario of this report into <code>${REPEAT_DIR}/</code> and runs it with the same seed${input.sweep ? ' and sweep' : ''}; the results (<code>${input.sweep ? 'sweep.json' : 'result.json'}</code>, <code>report.html</code>) land in <code>${REPEAT_DIR}/</code> and equal this run's but for timings. From a checkout of this repository, write <code>npx spark-swarm</code> for <code>spark-swarm</code>. The scenario${input.scenarioFile ? ` (from <code>${esc(input.scenarioFile)}</code>)` : ''}:</p>`,
  )
  out.push(
    `<details><summary>scenario JSON</summary><pre data-testid="scenario-json">${esc(JSON.stringify(scenario, null, 2))}</pre></details>`,
  )
  out.push('</section>')
  return out.join('')
}
