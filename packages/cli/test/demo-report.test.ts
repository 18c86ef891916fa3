import type { RoundEvaluatedDetail, SummaryAnchoredDetail } from '@spark-swarm/node'
import { type CommitteeResult, taskId } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { HOW_TO_READ, type RoundReport, writeAgreement, writeRound } from '../src/commands/demo-report.js'

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
})
