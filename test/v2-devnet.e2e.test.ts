import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CarReader } from '@ipld/car'
import { type RoguePeer, type Swarm, startFakeChainRpc, startRoguePeer, startSwarm } from '@spark-swarm/devnet'
import { type CheckerNode, createCheckerNode, exportRoundCar, loadOrCreateIdentity } from '@spark-swarm/node'
import {
  type AdmissionParams,
  eligibilityHeight,
  eligibleFromTime,
  presets,
  type RetrievalTask,
  roundAt,
  roundStartTime,
  signBinding,
  taskId,
  verifyRoundBlocks,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { type SwarmWatch, waitFor, watchSwarm } from './swarm-watch.js'
import { attestationBytes, boundBytes, mintAssigned, mintWallet } from './v2-adversary.js'

/*
 * Protocol version 2 (spec §13) on a devnet of real nodes: participants funded on the fake chain,
 * stations bound to them, tasks following the participant; keys minted after the seed get nothing,
 * and a claimed inet group silences nobody.
 */

const NODES = 3
const ROUND_MS = 4_000
// 2 providers × 2 blocks: 4 tasks a round, 2 per participant, so who is assigned what matters
const K = 2

let swarm: Swarm
let watch: SwarmWatch
const rogues: RoguePeer[] = []

beforeAll(async () => {
  swarm = await startSwarm({
    nodes: NODES,
    seed: 'version 2 devnet',
    preset: presets['devnet-v2'],
    blocksPerProvider: 2,
    providers: [
      { minerId: 'f01000', profile: { kind: 'healthy' } },
      { minerId: 'f02000', profile: { kind: 'healthy' } },
    ],
    params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: K, minCommitteeSize: 1, committeeShards: 1 },
  })
  watch = watchSwarm(swarm.nodes)
}, 30_000)

afterAll(async () => {
  await Promise.allSettled(rogues.map((r) => r.stop()))
  await swarm?.stop()
}, 30_000)

const gossipCount = (node: CheckerNode, kind: 'rejected' | 'ignored', code: string) => node.status().gossip[kind][code] ?? 0

/** Waits until `round` has started here and its first second is over (every node derived it). */
async function intoRound(round: number): Promise<void> {
  const at = roundStartTime(swarm.params, round) + 1_000
  await waitFor(`round ${round} under way`, () => Date.now() >= at, at - Date.now() + 1_000)
}

/** Each task's committee size without anyone else: how many honest nodes had it among their own (participant's) tasks. */
function honestCommittees(round: number): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const detail of watch.evaluated.get(round)?.values() ?? [])
    for (const t of detail.mine) sizes.set(taskId(t), (sizes.get(taskId(t)) ?? 0) + 1)
  return sizes
}

/** Every node's latest anchoring attests, for each task, the same committee block CID as every other node that attested it. */
function attestedAlike(round: number): boolean {
  const byTask = new Map<string, Set<string>>()
  const latest = watch.latest(round)
  for (const a of latest.values())
    for (const [id, cid] of Object.entries(a.attested)) byTask.set(id, (byTask.get(id) ?? new Set()).add(cid))
  return latest.size === NODES && byTask.size > 0 && [...byTask.values()].every((cids) => cids.size === 1)
}

/** A rogue peer joined to every node. */
async function joinedRogue(seed: string, inetGroup?: string): Promise<RoguePeer> {
  const rogue = await startRoguePeer({ params: swarm.params, catalogue: swarm.world.catalogue, seed, ...(inetGroup ? { inetGroup } : {}) })
  rogues.push(rogue)
  await rogue.join(swarm.nodes.map((n) => n.multiaddrs().find((a) => a.includes('/p2p/')) as string))
  return rogue
}

describe('a version-2 devnet', () => {
  it('checks, evaluates and agrees on committees, every honest measurement labelled OK', async () => {
    const round = Math.max(1, roundAt(swarm.params, Date.now()))
    await watch.evaluatedBy(round, NODES, 3 * ROUND_MS + 5_000)
    await waitFor(`round ${round} attested alike`, () => attestedAlike(round), 5_000)
    const participants = new Set(swarm.participants.map((p) => p.address))
    for (const [node, detail] of watch.evaluated.get(round) ?? []) {
      const { measurements, committees } = detail.evaluation
      // each node checked its participant's K tasks, and every measurement counted
      expect([node, measurements.length]).toEqual([node, NODES * K])
      for (const m of measurements) {
        expect([node, m.taskingEvaluation, participants.has(m.participant as string)]).toEqual([node, 'OK', true])
      }
      const expected = honestCommittees(round)
      for (const c of committees) expect([node, c.size]).toEqual([node, expected.get(taskId(c.task))])
    }
    // the nodes read one chain at one height: no local fault, nothing withheld
    for (const n of swarm.nodes) expect(n.status().localFaults).toEqual([])

    // the summary records who was eligible (spec §13.7): an export verifies offline, as `verify` does
    const { root, car } = await exportRoundCar(join(swarm.dataDir, 'node-0'), round)
    const chunks: Uint8Array[] = []
    for await (const chunk of car) chunks.push(chunk)
    const reader = await CarReader.fromBytes(Buffer.concat(chunks))
    const blocks = new Map<string, Uint8Array>()
    for await (const b of reader.blocks()) blocks.set(b.cid.toString(), b.bytes)
    const verified = verifyRoundBlocks(root, blocks)
    expect(verified.problems).toEqual([])
    expect(verified.ok).toBe(true)
    expect(verified.admission?.height).toBe(
      eligibilityHeight(swarm.params.admission as AdmissionParams, roundStartTime(swarm.params, round)),
    )
    expect(verified.admission?.eligible).toEqual([...participants].sort())

    // `verify --rpc` reads the listed deposits: the swarm's chain holds them, an empty chain does not
    const file = join(swarm.dataDir, `round-${round}.car`)
    await writeFile(file, Buffer.concat(chunks))
    const onChain = await runCli(['verify', file, '--rpc', swarm.world.rpcUrl])
    expect([onChain.code, onChain.stdout]).toEqual([0, expect.stringMatching(/deposits read from .*: 3 of 3 listed participants held one/)])
    const { admission } = swarm.params as { admission: AdmissionParams }
    const empty = await startFakeChainRpc({
      miners: {},
      clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs },
    })
    try {
      const offChain = await runCli(['verify', file, '--rpc', empty.url])
      expect(offChain.code).toBe(1)
      expect(offChain.stdout).toMatch(/^NOT verified: round \d+ of devnet-v2/)
      expect(offChain.stdout.match(/problem: participant 0x[0-9a-f]{40} is listed eligible but held less than/g)).toHaveLength(3)
    } finally {
      await empty.stop()
    }
  }, 40_000)

  it('refuses, as NOT_ELIGIBLE, participants minted after the seed for a chosen task, and no committee changes', async () => {
    const rogue = await joinedRogue('v2 grinder')
    const round = roundAt(swarm.params, Date.now()) + 1
    await intoRound(round)
    const view = rogue.roundView(round)
    const target = view.tasks[0] as RetrievalTask
    // the seed is out: mint keys until 3 are assigned the target, and fund them now, after the state was final
    const wallets = mintAssigned(swarm.params, view, target, 3)
    for (const w of wallets) {
      swarm.world.chainRpc.deposits.set({
        participant: w.address,
        balanceAttoFil: '10000000000000000000',
        fromHeight: swarm.world.chainRpc.height(),
      })
    }
    const before = swarm.nodes.map((n) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE'))
    const topic = rogue.topicOf(view, target)
    for (const w of wallets) {
      const sent = await rogue.publish(topic, boundBytes(rogue, swarm.params, round, target, w, { statusCode: 502 }))
      expect(sent, 'the measurement reached the nodes').toBe(NODES)
    }
    // every node's validator refused every one, by that code, and relayed none (each counts exactly 3)
    await waitFor(
      '3 NOT_ELIGIBLE at every node',
      () => swarm.nodes.every((n, i) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE') - (before[i] as number) >= 3),
      5_000,
    )
    expect(swarm.nodes.map((n, i) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE') - (before[i] as number))).toEqual([3, 3, 3])

    await watch.evaluatedBy(round, NODES, 2 * ROUND_MS + 5_000)
    await waitFor(`round ${round} attested alike`, () => attestedAlike(round), 5_000)
    for (const [node, detail] of watch.evaluated.get(round) ?? []) {
      const { measurements, committees } = detail.evaluation
      expect([node, measurements.filter((m) => m.stationId === rogue.key.stationId)]).toEqual([node, []])
      const expected = honestCommittees(round)
      for (const c of committees) expect([node, taskId(c.task), c.size]).toEqual([node, taskId(c.task), expected.get(taskId(c.task))])
    }

    // three Rejects cost the grinder its score: every node disconnected and banned it (peer scoring, P4)
    await waitFor('the grinder banned', () => swarm.nodes.every((n) => n.status().gossip.banned >= 1), 5_000)
    // so its attestations come from another peer and station, for the same wallets: judged by their
    // participant (spec §13.3a), refused as its measurements were, on nodes that accepted none of them
    const attester = await joinedRogue('v2 grinder attester')
    const anyCommittee = Object.values(watch.latest(round).get(0)?.attested ?? {})[0] as string
    const rejectedBefore = swarm.nodes.map((n) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE'))
    const attested = await attester.publish(
      attester.attestationTopicOf(view, target),
      attestationBytes(attester, swarm.params, round, target, CID.parse(anyCommittee), wallets[0] as (typeof wallets)[number]),
    )
    expect(attested, 'the attestation reached the nodes').toBe(NODES)
    await waitFor(
      'the attestation rejected by every node',
      () => swarm.nodes.every((n, i) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE') > (rejectedBefore[i] as number)),
      5_000,
    )
    for (const n of swarm.nodes) expect(n.status().gossip.accepted.attestation ?? 0).toBeGreaterThan(0)
  }, 30_000)

  it("a funded squatter claiming an honest node's inet group silences none of its measurements", async () => {
    const victim = swarm.nodes[0] as CheckerNode
    const squatter = await joinedRogue('v2 squatter', '10.0.0.0/24')
    const round = roundAt(swarm.params, Date.now()) + 1
    await intoRound(round)
    const view = squatter.roundView(round)
    // a participant funded long before the round, whose tasks meet the victim's on at least one
    const victimTasks = new Set(view.selector.pick(swarm.participants[0]?.address as string, K).map(taskId))
    let wallet = mintWallet()
    while (!view.selector.pick(wallet.address, K).some((t) => victimTasks.has(taskId(t)))) wallet = mintWallet()
    swarm.world.chainRpc.deposits.set({ participant: wallet.address, balanceAttoFil: '1000000000000000000', fromHeight: 0 })
    const acceptedBefore = swarm.nodes.map((n) => n.status().gossip.accepted.measurement ?? 0)
    for (const task of view.selector.pick(wallet.address, K)) {
      expect(await squatter.publish(squatter.topicOf(view, task), boundBytes(squatter, swarm.params, round, task, wallet))).toBe(NODES)
    }
    await waitFor(
      'the squatter accepted',
      () => swarm.nodes.every((n, i) => (n.status().gossip.accepted.measurement ?? 0) >= (acceptedBefore[i] as number) + K),
      5_000,
    )

    await watch.evaluatedBy(round, NODES, 2 * ROUND_MS + 5_000)
    for (const [node, detail] of watch.evaluated.get(round) ?? []) {
      const { measurements } = detail.evaluation
      const squatted = measurements.filter((m) => m.stationId === squatter.key.stationId)
      expect([node, squatted.map((m) => m.taskingEvaluation)]).toEqual([node, ['OK', 'OK']])
      const victims = measurements.filter((m) => m.stationId === victim.stationId)
      expect([node, victims.map((m) => m.taskingEvaluation)]).toEqual([node, ['OK', 'OK']])
    }
  }, 30_000)

  it('a node that joins before its deposit says so, then from which round it counts, and becomes eligible by itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spark-swarm-v2-late-'))
    const wallet = mintWallet()
    // the deposit lands 8 epochs (8 s) from now: first nothing is held, then it counts once that
    // height is a finality behind a round's start (spec §13.4)
    const fundedAt = swarm.world.chainRpc.height() + 8
    swarm.world.chainRpc.deposits.set({ participant: wallet.address, balanceAttoFil: '1000000000000000000', fromHeight: fundedAt })
    const admission = swarm.params.admission as NonNullable<typeof swarm.params.admission>
    const eligibleFrom = eligibleFromTime(admission, fundedAt)
    const identity = await loadOrCreateIdentity(dir)
    const binding = { network: swarm.params.network, participant: wallet.address, stationId: identity.stationKey.stationId, fromRound: 0 }
    const late = createCheckerNode({
      dataDir: dir,
      params: swarm.params,
      binding: { binding, signature: signBinding(binding, wallet.privateKey) },
      catalogue: swarm.world.catalogue,
      indexerUrl: swarm.world.ipniUrl,
      rpcUrl: swarm.world.rpcUrl,
      inetGroup: '10.0.9.0/24',
      loopback: true,
      bootstrap: swarm.nodes[0]?.multiaddrs().filter((a) => a.includes('/p2p/')) ?? [],
    })
    const said: string[] = []
    const notEligible: string[] = []
    const published: number[] = []
    late.addEventListener('activity', (e) => {
      if (e.detail.code === 'ADMISSION') said.push(e.detail.message)
      if (e.detail.code === 'NOT_ELIGIBLE') notEligible.push(e.detail.message)
    })
    late.addEventListener('measurement:published', (e) => published.push(e.detail.round))
    const rejectedBefore = swarm.nodes.map((n) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE'))
    try {
      await late.start()
      const eligibleRound = roundAt(swarm.params, eligibleFrom - 1) + 1
      const wait = eligibleFrom - Date.now() + 2 * ROUND_MS + 2_000
      await waitFor('the late node to be eligible', () => late.status().admission?.eligible === true, wait)
      const p = wallet.address
      expect(said[0]).toMatch(new RegExp(`^participant ${p} holds no deposit of 1 FIL: fund it`))
      const named = said
        .map((m) => new RegExp(`^participant ${p} holds the deposit: eligible from round (\\d+)`).exec(m)?.[1])
        .find(Boolean)
      // it named the round its deposit first counts in, before that round
      expect(Number(named)).toBe(eligibleRound)
      expect(said.at(-1)).toMatch(new RegExp(`^participant ${p} is eligible in round (\\d+): this node's checks count`))
      expect(late.status().admission).toMatchObject({ participant: p, eligible: true })
      expect(late.status().round).toBeGreaterThanOrEqual(eligibleRound)
      // before that round it made no measurement, so its peers rejected none, and said so once a round
      expect(published.filter((r) => r < eligibleRound)).toEqual([])
      expect(swarm.nodes.map((n, i) => gossipCount(n, 'rejected', 'NOT_ELIGIBLE') - (rejectedBefore[i] as number))).toEqual([0, 0, 0])
      expect(notEligible.length).toBeGreaterThan(0)
      for (const m of notEligible)
        expect(m).toMatch(new RegExp(`^round (\\d+): no measurement, participant ${p} is not eligible in this round`))
    } finally {
      await late.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
