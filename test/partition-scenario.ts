import { createPartition, type Swarm, startSwarm } from '@spark-swarm/devnet'
import { type ProtocolParams, roundAt, roundStartTime } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SwarmWatch, waitFor, watchSwarm } from './swarm-watch.js'

const NODES = 6
const ROUND_MS = 4_000

export interface PartitionScenario {
  title: string
  seed: string
  /** Default: devnet (version 1). */
  preset?: ProtocolParams
  committeeShards: number
}

/**
 * 6 nodes cut into two halves by their connection gaters for a whole round, then healed before
 * the round is evaluated: each half evaluates only its own measurements, so the halves attest
 * different committee blocks; once they hear each other's attestations they pull what they
 * missed (catch-up, spec §12.7) and every node ends up attesting the same CIDs, and anchoring the
 * same summary CIDs of that round and of the rounds after it.
 */
export function describePartition(scenario: PartitionScenario): void {
  const partition = createPartition()

  let swarm: Swarm
  let watch: SwarmWatch

  beforeAll(async () => {
    swarm = await startSwarm({
      nodes: NODES,
      seed: scenario.seed,
      ...(scenario.preset ? { preset: scenario.preset } : {}),
      blocksPerProvider: 1,
      providers: [
        { minerId: 'f01000', profile: { kind: 'healthy' } },
        { minerId: 'f03000', profile: { kind: 'http-5xx', status: 503 } },
      ],
      // every node checks every task, so each half has a full committee of its own
      params: {
        roundDurationMs: ROUND_MS,
        gracePeriodMs: 1_000,
        maxTasksPerNode: 2,
        minCommitteeSize: 3,
        committeeShards: scenario.committeeShards,
      },
      node: (i) => ({ connectionGater: partition.gaterFor(i), minPeers: NODES }),
    })
    watch = watchSwarm(swarm.nodes)
  }, 60_000)

  afterAll(async () => {
    partition.heal()
    await swarm?.stop()
  }, 30_000)

  describe(scenario.title, () => {
    it('the halves attest different blocks while cut off, and the same once healed', async () => {
      const params = swarm.params
      // wait for the swarm to work as one: some round anchored identically by all
      await waitFor(
        'a round anchored by all',
        () => [...new Set(watch.anchorings.map((a) => a.round))].some((r) => watch.latest(r).size === NODES),
        6 * ROUND_MS,
      )

      // cut just before a round starts, heal as it ends (before it is evaluated and attested)
      const round = roundAt(params, Date.now()) + 1
      await new Promise((r) => setTimeout(r, roundStartTime(params, round) - Date.now() - 300))
      await partition.split(swarm.nodes, [
        [0, 1, 2],
        [3, 4, 5],
      ])
      const crossing = () =>
        swarm.nodes
          .slice(0, 3)
          .some((n) => n.host?.libp2p.getPeers().some((p) => swarm.nodes.slice(3).some((m) => m.peerId === p.toString())))
      expect(crossing()).toBe(false)
      await new Promise((r) => setTimeout(r, roundStartTime(params, round + 1) - Date.now()))
      expect(crossing(), 'no connection crossed the cut during the round').toBe(false)
      partition.heal()
      const healedAt = Date.now()

      // every node anchors the round, and in the end all anchor the same summary and committee CIDs
      await waitFor(
        `round ${round} anchored with one summary by all`,
        () => watch.latest(round).size === NODES && new Set([...watch.latest(round).values()].map((a) => a.summaryCid)).size === 1,
        6 * ROUND_MS,
      )
      const first = new Map<number, string>()
      for (const a of watch.anchorings) if (a.round === round && !first.has(a.node)) first.set(a.node, a.summaryCid)
      // the halves did disagree at first: the partition was real
      expect(first.get(0)).not.toBe(first.get(3))
      const final = [...watch.latest(round).values()]
      for (const a of final) expect(a.attested).toEqual(final[0]?.attested)
      const convergedMs = Math.max(...final.map((a) => a.at)) - healedAt
      console.info(`${scenario.title}: all ${NODES} nodes attest the same CIDs for round ${round} ${convergedMs} ms after the heal`)
      // and the swarm is one again: the next rounds' committees are attested alike by all, and their
      // summaries are equal too (spec §9.1: each links the previous summary as its node holds it
      // after catch-up, and a re-anchored round re-links the later ones), so one split round does not
      // fork the summary chain
      const oneSummary = (r: number) =>
        watch.latest(r).size === NODES && new Set([...watch.latest(r).values()].map((a) => a.summaryCid)).size === 1
      for (const r of [round + 1, round + 2]) {
        await waitFor(`round ${r} attested alike by all`, () => watch.attestedAlike(r, NODES), 6 * ROUND_MS)
        await waitFor(`round ${r} anchored with one summary by all`, () => oneSummary(r), 6 * ROUND_MS)
      }
      expect(oneSummary(round), 'the split round itself still agrees').toBe(true)
    }, 90_000)
  })
}
