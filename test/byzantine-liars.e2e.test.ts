import { type Liar, type LiarKind, type Swarm, startLiar, startSwarm } from '@spark-swarm/devnet'
import { roundAt } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SwarmWatch, watchSwarm } from './swarm-watch.js'

// 6 honest nodes and 4 lying checkers: every committee has all 10 as members (K ≥ tasks), so
// exactly 40 % of each committee lies, and all liars of a phase tell the same story.
const HONEST = 6
const LIARS = 4
const ROUND_MS = 4_000
const EXPECTED: Record<string, string> = { f01000: 'OK', f03000: 'HTTP_503', f04000: 'CONTENT_VERIFICATION_FAILED' }

let swarm: Swarm
let watch: SwarmWatch

beforeAll(async () => {
  swarm = await startSwarm({
    nodes: HONEST,
    seed: 'byzantine liars',
    blocksPerProvider: 1,
    providers: [
      { minerId: 'f01000', profile: { kind: 'healthy' } },
      { minerId: 'f03000', profile: { kind: 'http-5xx', status: 503 } },
      { minerId: 'f04000', profile: { kind: 'wrong-bytes' } },
    ],
    params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: 3, minCommitteeSize: 5, committeeShards: 1 },
  })
  watch = watchSwarm(swarm.nodes)
}, 60_000)

afterAll(async () => {
  await swarm?.stop()
}, 30_000)

describe('40 % of every committee lying', () => {
  for (const kind of ['always-fail', 'always-ok', 'random'] as LiarKind[]) {
    it(`${kind} liars: every committee still yields the provider's real behaviour`, async () => {
      const bootstrap = swarm.nodes.map((n) => n.multiaddrs().find((a) => a.includes('/p2p/')) as string)
      const liars: Liar[] = []
      try {
        for (let i = 0; i < LIARS; i++) {
          liars.push(
            await startLiar({
              kind,
              params: swarm.params,
              catalogue: swarm.world.catalogue,
              indexerUrl: swarm.world.ipniUrl,
              seed: `liar ${kind} ${i}`,
              inetGroup: `198.51.${100 + i}.0/24`,
              bootstrap,
            }),
          )
        }
        // the first round all liars lie in from its start, evaluated by every honest node
        const round = roundAt(swarm.params, Date.now()) + 1
        await watch.evaluatedBy(round, HONEST, 4 * ROUND_MS + 10_000)
        const liarIds = new Set(liars.map((l) => l.stationId))
        for (const liar of liars) {
          const lies = liar.published.filter((p) => p.round === round)
          expect(lies, 'a liar published one measurement per task').toHaveLength(swarm.params.tasksPerRound)
          expect(lies.every((p) => p.recipients > 0)).toBe(true)
          if (kind === 'always-fail') expect(lies.every((p) => p.claimed === 'HTTP_502')).toBe(true)
          if (kind === 'always-ok') expect(lies.every((p) => p.claimed === 'OK')).toBe(true)
        }
        for (const [node, detail] of watch.evaluated.get(round) ?? []) {
          const { evaluation } = detail
          expect(evaluation.committees).toHaveLength(swarm.params.tasksPerRound)
          for (const c of evaluation.committees) {
            // the lies were counted: 10 members, 4 of them liars whose story lost
            expect([node, c.task.minerId, c.size]).toEqual([node, c.task.minerId, HONEST + LIARS])
            expect([node, c.task.minerId, c.retrievalResult]).toEqual([node, c.task.minerId, EXPECTED[c.task.minerId]])
          }
          const lies = evaluation.measurements.filter((m) => liarIds.has(m.stationId))
          expect(lies).toHaveLength(LIARS * swarm.params.tasksPerRound)
          // every lie was a valid measurement of a member, and every one lost the vote
          for (const m of lies) expect([m.taskingEvaluation, m.consensusEvaluation]).toEqual(['OK', 'MINORITY_RESULT'])
          // committee scoring sees only the honest majority
          for (const [minerId, truth] of Object.entries(EXPECTED)) {
            const score = evaluation.providers[minerId]?.committee
            expect([minerId, score?.successes, score?.total]).toEqual([minerId, truth === 'OK' ? 1 : 0, 1])
          }
        }
      } finally {
        await Promise.all(liars.map((l) => l.stop()))
      }
    }, 60_000)
  }
})
