import { eligibilityHeight, eligibleFromTime, presets, roundAt, roundStartTime } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

/*
 * `npm start` (`spark-swarm demo`, its defaults) as a user reads it: protocol version 2, the last
 * node joins before its participant is funded, says it is not eligible, then from which round its
 * deposit counts, and counts from that round on; every node agrees at the end and the process
 * exits 0 by itself.
 */

const v2 = presets['devnet-v2']
const admission = v2.admission as NonNullable<typeof v2.admission>

/** The one line matching `pattern`, and its groups; fails naming the pattern otherwise. */
function lineOf(lines: string[], pattern: RegExp): { index: number; groups: string[] } {
  const found = lines.flatMap((line, index) => {
    const m = pattern.exec(line)
    return m ? [{ index, groups: m.slice(1) }] : []
  })
  expect(found.length, `one line matching ${pattern}`).toBe(1)
  return found[0] as { index: number; groups: string[] }
}

describe('npm start', () => {
  it('runs version 2: a node that joins unfunded becomes eligible by itself at the round eligibleFromTime gives, and every node agrees', async () => {
    const { code, stdout, stderr } = await runCli(['demo'], { timeoutMs: 100_000 })
    const lines = stdout.split('\n')
    expect(code, `${stdout}\n${stderr}`).toBe(0)
    expect(lines.filter(Boolean).at(-1)).toBe('devnet stopped')

    const [nodes, roundSeconds] = lineOf(
      lines,
      /^Spark Swarm devnet: (\d+) checker nodes on 127\.0\.0\.1, 3 rounds of (\d+) s, protocol version 2 \(devnet-v2\)$/,
    ).groups.map(Number) as [number, number]
    const genesisTime = Date.parse(lineOf(lines, /^round 0 starts at (\S+)$/).groups[0] as string)
    const params = { ...v2, genesisTime, roundDurationMs: roundSeconds * 1000 }
    const joins = lineOf(
      lines,
      /^node (\d+) joins unfunded: participant (0x[0-9a-f]{40})'s deposit lands at height (\d+), after round 1's eligibility height$/,
    )
    const [late, participant, funded] = [Number(joins.groups[0]), joins.groups[1] as string, Number(joins.groups[2])]
    expect(late).toBe(nodes - 1)
    expect(funded).toBeGreaterThan(eligibilityHeight(admission, roundStartTime(params, 1)) as number)

    // what the node says: not eligible first, then the round its deposit counts in, then eligible there
    const says = (what: string) => new RegExp(`^node ${late}, at round (\\d+)'s start: participant ${participant}: ${what}$`)
    const unfunded = lineOf(lines, says('no deposit, not eligible: it makes no measurement'))
    const seen = lineOf(lines, says(`deposit seen at height ${funded}, eligible from round (\\d+)`))
    const eligible = lineOf(lines, says('eligible: its measurements count'))
    const named = Number(seen.groups[1])
    expect(named).toBe(roundAt(params, eligibleFromTime(admission, funded) - 1) + 1)
    expect(Number(unfunded.groups[0])).toBe(0)
    expect(Number(eligible.groups[0])).toBe(named)
    expect(unfunded.index).toBeLessThan(seen.index)
    expect(seen.index).toBeLessThan(eligible.index)

    // each round shown: its eligibility height, who was eligible, whose measurements counted
    const shown = Math.max(3, named + 1)
    const others = `${nodes - 1} of ${nodes} nodes \\(0–${nodes - 2}\\)`
    const all = `${nodes} of ${nodes} nodes \\(0–${nodes - 1}\\)`
    for (let round = 0; round < shown; round++) {
      const at = lineOf(lines, new RegExp(`^round ${round}: \\d+ committees$`)).index
      const who = round < named ? others : all
      const height = eligibilityHeight(admission, roundStartTime(params, round))
      expect(lines[at + 1], `round ${round}`).toMatch(new RegExp(`^ {2}eligible at height ${height}: ${who}; counted: ${who}$`))
    }
    // the late node converged too: after catch-up, every node holds one summary CID of each round
    expect(lines).toContain(`agreement: every node holds the same summary CID of rounds 0–${shown - 1}`)
  }, 120_000)

  it('--network devnet runs version 1 for the rounds asked: no admission lines, every node anchors one summary, exit 0', async () => {
    const { code, stdout } = await runCli(['demo', '--network', 'devnet', '--nodes', '4', '--rounds', '2', '--round-seconds', '3'], {
      timeoutMs: 90_000,
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Spark Swarm devnet: 4 checker nodes on 127\.0\.0\.1, 2 rounds of 3 s, protocol version 1 \(devnet\)$/m)
    expect([...stdout.matchAll(/^round \d+: \d+ committees$/gm)]).toHaveLength(2)
    // all nodes saw the same measurements, so they anchored the same summary
    expect([...stdout.matchAll(/summary bafy\w+ {2}anchored by 4 of 4 nodes/g)]).toHaveLength(2)
    expect(stdout).not.toMatch(/eligible|unfunded/)
    // the broken provider fails every request
    expect(stdout).toMatch(/f03000 +0\.0% /)
    expect(stdout).toMatch(/devnet stopped\s*$/)
  }, 120_000)
})
