import type { RoundEvaluatedDetail, SummaryAnchoredDetail } from '@spark-swarm/node'
import { type CommitteeResult, taskId } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import {
  HOW_TO_READ,
  HOW_TO_READ_LATE,
  HOW_TO_READ_V2,
  nodeList,
  type RoundReport,
  writeAgreement,
  writeRound,
} from '../src/commands/demo-report.js'

// What `npm start` prints about a round, from what three nodes said about it: one committee of
// all three, where one node attested another committee CID than the other two.
const task = { cid: 'bafkreitaskcidaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', minerId: 'f01000' }
const committee = { task, size: 3, retrievalResult: 'OK', counts: { OK: 2, HTTP_502: 1 }, measurements: [] } as unknown as CommitteeResult

function report(attested: string[]): RoundReport {
  const evaluated = new Map<number, RoundEvaluatedDetail>()
  const anchored = new Map<number, SummaryAnchoredDetail>()
  attested.forEach((cid, i) => {
    evaluated.set(i, { round: 7, mine: [task], evaluation: { committees: [committee] } } as unknown as RoundEvaluatedDetail)
    anchored.set(i, { round: 7, summaryCid: `bafysummary${cid}`, attested: { [taskId(task)]: cid } })
  })
  return { evaluated, anchored }
}

describe('npm start round report', () => {
  it('says in a line each what its words mean', () => {
    const text = HOW_TO_READ.join('\n')
    for (const term of [
      'committee:',
      'agree k/n:',
      'per-request RSR:',
      'committee RSR:',
      'committee-fraction RSR:',
      '95 % Wilson interval',
      'n/a:',
    ])
      expect(text, term).toContain(term)
  })

  it('counts as agreeing the members on the most attested committee CID', () => {
    const lines: string[] = []
    writeRound(7, report(['bafyminority', 'bafymajority', 'bafymajority']), 3, (l) => lines.push(l))
    const row = lines.find((l) => l.includes('f01000') && l.includes('×'))
    expect(row).toMatch(/ 2\/3 +OK×2 HTTP_502×1$/)
    expect(lines).toContain('  summary bafysummarybafymajority  anchored by 2 of 3 nodes')
    // the three rates with their bracketed intervals
    expect(lines.find((l) => l.startsWith('  f01000   '))).toMatch(
      /^ {2}f01000 {3}66\.7% \(2\/3\) \[21–94\] +100\.0% \(1\/1\) \[21–100\] +66\.7% \(0\.67\/1\) \[\d+–\d+\]/,
    )
  })

  it('ends with one agreement line: every node holds the same summary CID of the rounds, or which differ', () => {
    const alike = new Map([0, 1, 2].map((r) => [r, report(['bafyone', 'bafyone', 'bafyone'])]))
    const lines: string[] = []
    writeAgreement(alike, [0, 1, 2], 3, (l) => lines.push(l))
    expect(lines).toEqual(['agreement: every node holds the same summary CID of rounds 0–2'])

    const split = new Map(alike).set(1, report(['bafyone', 'bafyone', 'bafyzzzzzzzz']))
    lines.length = 0
    writeAgreement(split, [0, 1, 2], 3, (l) => lines.push(l))
    expect(lines).toEqual([
      'agreement: the nodes hold different summary CIDs of 1 of 3 rounds',
      '  round 1: nodes 0,1 hold …ybafyone; node 2 holds …zzzzzzzz',
    ])
    expect(HOW_TO_READ.join('\n')).toContain('agree (the last line):')
  })

  it('version 2: says under the round line who was eligible at its height and whose measurements counted', () => {
    // three nodes, the third unfunded: it made no measurement, and the second's one was refused
    const r = report(['bafyone', 'bafyone', 'bafyone'])
    const measured = (stationId: string, taskingEvaluation: string) => ({ stationId, taskingEvaluation })
    for (const detail of r.evaluated.values())
      Object.assign(detail.evaluation, { measurements: [measured('s0', 'OK'), measured('s1', 'OK'), measured('s1', 'DUPLICATE')] })
    r.admission = { height: 120, eligible: [0, 1], stations: ['s0', 's1', 's2'] }
    const lines: string[] = []
    writeRound(7, r, 3, (l) => lines.push(l))
    expect(lines.slice(1, 3)).toEqual([
      'round 7: 1 committees',
      '  eligible at height 120: 2 of 3 nodes (0, 1); counted: 2 of 3 nodes (0, 1)',
    ])
    // the unfunded node was given the task but is no member: agree counts the two others
    expect(lines.find((l) => l.includes('f01000') && l.includes('×'))).toMatch(/ 2\/2 +OK×2 HTTP_502×1$/)
    // version 1: no such line
    const v1: string[] = []
    writeRound(7, report(['bafyone']), 1, (l) => v1.push(l))
    expect(v1.some((l) => l.includes('eligible at'))).toBe(false)
  })

  it('lists nodes with ranges of three or more joined, and says what the version-2 lines mean', () => {
    expect(nodeList([4, 0, 1, 2, 3])).toBe('0–4')
    expect(nodeList([0, 1, 3, 4, 5, 7])).toBe('0, 1, 3–5, 7')
    expect(nodeList([])).toBe('none')
    const text = [...HOW_TO_READ_V2, ...HOW_TO_READ_LATE].join('\n')
    for (const term of ['eligible at height h:', 'spec §13.4', 'counted:', "node i, at round r's start:"])
      expect(text, term).toContain(term)
  })
})
