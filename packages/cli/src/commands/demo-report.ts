import type { RoundEvaluatedDetail, SummaryAnchoredDetail } from '@spark-swarm/node'
import { type CommitteeResult, type Rate, scoreProviders, taskId } from '@spark-swarm/protocol'

/** What every node of the demo said about one round, by node index. */
export interface RoundReport {
  evaluated: Map<number, RoundEvaluatedDetail>
  anchored: Map<number, SummaryAnchoredDetail>
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
  for (const [i, detail] of r.evaluated) {
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
  write(`  ${'task'.padEnd(16)} ${'provider'.padEnd(8)} ${'size'.padStart(4)}  ${'majority'.padEnd(20)} ${'agree'.padEnd(6)} members`)
  for (const [id, { result, members }] of sorted) {
    const cids = members.map((i) => r.anchored.get(i)?.attested[id])
    const same = cids.filter((c) => c === cids[0]).length
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

/** One round of the demo's output: its committees, the three scores per provider, its summary CIDs. */
export function writeRound(round: number, r: RoundReport, nodeCount: number, write: (line: string) => void): void {
  const sorted = committeesOf(r)
  const summaries = new Map<string, number>()
  for (const a of r.anchored.values()) summaries.set(a.summaryCid, (summaries.get(a.summaryCid) ?? 0) + 1)
  write('')
  write(`round ${round}: ${sorted.length} committees`)
  writeCommittees(sorted, r, write)
  writeScores(sorted, write)
  for (const [cid, n] of summaries) write(`  summary ${cid}  anchored by ${n} of ${nodeCount} nodes`)
}
