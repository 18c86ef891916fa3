import type { RoundEvaluatedDetail, SummaryAnchoredDetail } from '@spark-swarm/node'
import { type CommitteeResult, type Rate, scoreProviders, taskId } from '@spark-swarm/protocol'

/** What every node of the demo said about one round, by node index. */
export interface RoundReport {
  evaluated: Map<number, RoundEvaluatedDetail>
  anchored: Map<number, SummaryAnchoredDetail>
  /** Version 2: who was eligible in the round. */
  admission?: RoundAdmission
}

/** Version 2 (spec §13.4): a round's eligibility height and the nodes whose participant held the deposit there. */
export interface RoundAdmission {
  /** Null: the chain is younger than a finality, nobody is eligible. */
  height: number | null
  /** Node indexes. */
  eligible: number[]
  /** Each node's station id, by index: whose measurements the evaluation counted. */
  stations: readonly string[]
}

/** One committee as its members computed it, and which nodes were its members. */
interface CommitteeView {
  result: CommitteeResult
  members: number[]
}

const pct = (r: Rate): string =>
  (r.rate === null
    ? 'n/a'
    : `${(r.rate * 100).toFixed(1)}% (${Number(r.successes.toFixed(2))}/${r.total}) [${((r.interval?.lower ?? 0) * 100).toFixed(0)}–${((r.interval?.upper ?? 0) * 100).toFixed(0)}]`
  ).padEnd(26)

/** Each committee as its members computed it (every member of a committee evaluates it), by task id. */
function committeesOf(r: RoundReport): Array<[string, CommitteeView]> {
  const committees = new Map<string, CommitteeView>()
  // version 2: a node whose participant is not eligible makes no measurement, so is no member
  const eligible = r.admission && new Set(r.admission.eligible)
  for (const [i, detail] of r.evaluated) {
    if (eligible && !eligible.has(i)) continue
    for (const c of detail.evaluation.committees) {
      const id = taskId(c.task)
      if (!detail.mine.some((t) => taskId(t) === id)) continue
      const entry = committees.get(id) ?? { result: c, members: [] }
      entry.members.push(i)
      committees.set(id, entry)
    }
  }
  return [...committees.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
}

function writeCommittees(sorted: Array<[string, CommitteeView]>, r: RoundReport, write: (line: string) => void): void {
  write(`  ${'task'.padEnd(16)} ${'provider'.padEnd(8)} ${'size'.padStart(4)}  ${'majority'.padEnd(20)} ${'agree'.padEnd(6)} reported`)
  for (const [id, { result, members }] of sorted) {
    // agree: the members that attested the committee CID most of them attested
    const tally = new Map<string | undefined, number>()
    for (const i of members) {
      const cid = r.anchored.get(i)?.attested[id]
      tally.set(cid, (tally.get(cid) ?? 0) + 1)
    }
    const same = Math.max(0, ...[...tally].filter(([cid]) => cid !== undefined).map(([, n]) => n))
    const counts = Object.entries(result.counts)
      .map(([code, n]) => `${code}×${n}`)
      .join(' ')
    write(
      `  …${result.task.cid.slice(-14)} ${result.task.minerId.padEnd(8)} ${String(result.size).padStart(4)}  ${result.retrievalResult.padEnd(20)} ${`${same}/${members.length}`.padEnd(6)} ${counts}`,
    )
  }
}

function writeScores(sorted: Array<[string, CommitteeView]>, write: (line: string) => void): void {
  const scores = scoreProviders(
    sorted.map(([, { result }]) => ({ minerId: result.task.minerId, retrievalResult: result.retrievalResult, counts: result.counts })),
  )
  write(`  ${'provider'.padEnd(8)} ${'per-request RSR'.padEnd(26)} ${'committee RSR'.padEnd(26)} committee-fraction RSR`)
  for (const [minerId, s] of Object.entries(scores))
    write(`  ${minerId.padEnd(8)} ${pct(s.perRequest)} ${pct(s.committee)} ${pct(s.committeeFraction)}`)
}

/**
 * What the round tables mean, one line each, printed once before the first round. The words are
 * the scoring section's (spec/protocol.md): an operator should not need the spec to read them.
 */
export const HOW_TO_READ: readonly string[] = [
  'how to read a round:',
  '  committee: the nodes given the same task (a CID at a provider) in the round; "majority" is the result most of its members reported, the network\'s verdict',
  '  size: the members with a valid measurement; reported: each result code × the members that reported it',
  "  agree k/n: k of the committee's n member nodes attested the same committee (same CID: majority and counts); n/n is full agreement",
  "  per-request RSR: the share of all the provider's retrieval requests that succeeded, every counted measurement (minority results included)",
  "  committee RSR: the share of the provider's committees whose majority result is a success (too small, no majority, or uncounted result: left out)",
  "  committee-fraction RSR: the mean of each committee's success fraction (its OK members / its counted members) over the provider's committees",
  '  "87.5% (7/8) [53–98]": the rate, successes/total, and its 95 % Wilson interval in percent; n/a: no request or committee of that provider counted',
  '  summary … anchored by k of N nodes: every node agrees on the round when all N anchored one summary CID',
  '  agree (the last line): every node holds the same summary CID of a round, after catch-up; a node re-anchors a round it missed measurements of, and re-links the rounds after it',
]

/** What the admission line means (version 2), printed after HOW_TO_READ. */
export const HOW_TO_READ_V2: readonly string[] = [
  "  eligible at height h: the nodes whose participant held the deposit at the round's eligibility height h (spec §13.4); the others make no measurement",
  '  counted: the nodes whose measurements the evaluation counted (labelled OK) in the round; k of N nodes',
]

/** What the late joiner's lines mean (version 2, at least 4 nodes). */
export const HOW_TO_READ_LATE: readonly string[] = [
  "  node i, at round r's start: what the node that joined unfunded says of its own participant (its status `admission`, log code ADMISSION)",
]

/** "0–4", "0–2, 4, 5": node indexes, ranges of three or more joined. */
export function nodeList(indexes: readonly number[]): string {
  const sorted = [...indexes].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++
    if (j - i >= 2) parts.push(`${sorted[i]}–${sorted[j]}`)
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]))
    i = j + 1
  }
  return parts.length === 0 ? 'none' : parts.join(', ')
}

/** Version 2: the nodes eligible in the round, and the nodes whose measurements counted (in any member's evaluation). */
function writeAdmission(r: RoundReport, a: RoundAdmission, nodeCount: number, write: (line: string) => void): void {
  const byStation = new Map(a.stations.map((s, i) => [s, i]))
  const counted = new Set<number>()
  for (const detail of r.evaluated.values())
    for (const m of detail.evaluation.measurements) {
      const i = byStation.get(m.stationId)
      if (m.taskingEvaluation === 'OK' && i !== undefined) counted.add(i)
    }
  const height = a.height === null ? 'no height yet' : `height ${a.height}`
  write(
    `  eligible at ${height}: ${a.eligible.length} of ${nodeCount} nodes (${nodeList(a.eligible)}); counted: ${counted.size} of ${nodeCount} nodes (${nodeList([...counted])})`,
  )
}

/** One round of the demo's output: its committees, the three scores per provider, its summary CIDs. */
export function writeRound(round: number, r: RoundReport, nodeCount: number, write: (line: string) => void): void {
  const sorted = committeesOf(r)
  const summaries = new Map<string, number>()
  for (const a of r.anchored.values()) summaries.set(a.summaryCid, (summaries.get(a.summaryCid) ?? 0) + 1)
  write('')
  write(`round ${round}: ${sorted.length} committees`)
  if (r.admission) writeAdmission(r, r.admission, nodeCount, write)
  writeCommittees(sorted, r, write)
  writeScores(sorted, write)
  for (const [cid, n] of summaries) write(`  summary ${cid}  anchored by ${n} of ${nodeCount} nodes`)
}

/** "0–2" for consecutive rounds, else "0, 2, 3". */
const roundList = (rounds: number[]): string =>
  rounds.length > 1 && rounds.every((r, i) => i === 0 || r === (rounds[i - 1] as number) + 1)
    ? `${rounds[0]}–${rounds.at(-1)}`
    : rounds.join(', ')

/**
 * The demo's last word on agreement (spec §9.1): the nodes agree on a round when every node holds
 * the same summary CID of it, as anchored last (after catch-up and re-links); else which differ.
 */
export function writeAgreement(
  reports: ReadonlyMap<number, RoundReport>,
  rounds: number[],
  nodeCount: number,
  write: (line: string) => void,
): void {
  const sorted = [...rounds].sort((a, b) => a - b)
  const differing: string[] = []
  for (const round of sorted) {
    const byCid = new Map<string, number[]>()
    for (const [i, a] of reports.get(round)?.anchored ?? []) byCid.set(a.summaryCid, [...(byCid.get(a.summaryCid) ?? []), i])
    const held = [...byCid.values()].reduce((n, nodes) => n + nodes.length, 0)
    if (byCid.size === 1 && held === nodeCount) continue
    const groups = [...byCid].map(
      ([cid, nodes]) =>
        `${nodes.length > 1 ? 'nodes' : 'node'} ${nodes.sort((a, b) => a - b).join(',')} ${nodes.length > 1 ? 'hold' : 'holds'} …${cid.slice(-8)}`,
    )
    if (held < nodeCount) groups.push(`${nodeCount - held} anchored none`)
    differing.push(`round ${round}: ${groups.join('; ')}`)
  }
  if (differing.length === 0)
    write(`agreement: every node holds the same summary CID of round${sorted.length > 1 ? 's' : ''} ${roundList(sorted)}`)
  else {
    write(`agreement: the nodes hold different summary CIDs of ${differing.length} of ${sorted.length} rounds`)
    for (const line of differing) write(`  ${line}`)
  }
}
