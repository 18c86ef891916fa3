import { TopicValidatorResult } from '@libp2p/gossipsub'
import { type Swarm, startSwarm } from '@spark-swarm/devnet'
import type { SummaryAnchoredDetail } from '@spark-swarm/node'
import { decodeSignedMeasurement } from '@spark-swarm/protocol'
import { afterAll, describe, expect, it } from 'vitest'

// Convergence (DESIGN §3): a node that missed measurements attests a different committee CID than
// the other members; when it sees theirs it fetches their committee block and measurement list
// over bitswap, pulls what it lacks, checks it, evaluates again and ends up attesting the same CID;
// the rounds after it anchor the same summary CIDs on every node (no forked summary chain).
const ROUND_MS = 5_000
let swarm: Swarm | undefined
afterAll(async () => swarm?.stop(), 30_000)

describe('convergence after lost messages', () => {
  it('a node that missed a peer’s measurements catches up and agrees', async () => {
    swarm = await startSwarm({
      nodes: 3,
      seed: 'convergence e2e',
      blocksPerProvider: 2,
      providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
      params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: 2, minCommitteeSize: 1 },
    })
    const [a, b, c] = swarm.nodes as [NonNullable<Swarm['nodes'][0]>, NonNullable<Swarm['nodes'][0]>, NonNullable<Swarm['nodes'][0]>]
    // B loses every measurement of C in round 0, as if the network had dropped them
    const pubsub = b.host?.libp2p.services.pubsub as unknown as {
      topicValidators: Map<string, (p: unknown, m: { data: Uint8Array }) => Promise<TopicValidatorResult>>
    }
    for (const [topic, validate] of pubsub.topicValidators) {
      if (!topic.includes('/measurements/')) continue
      pubsub.topicValidators.set(topic, async (peer, msg) => {
        const m = decodeSignedMeasurement(msg.data)
        return m.round === 0 && m.stationId === c.stationId ? TopicValidatorResult.Ignore : validate(peer, msg)
      })
    }
    const anchored: Array<{ node: string; detail: SummaryAnchoredDetail }> = []
    for (const [name, node] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const) {
      node.addEventListener('summary:anchored', (e) => anchored.push({ node: name, detail: e.detail }))
    }
    const pulled = new Promise<void>((resolve) =>
      b.addEventListener('activity', (e) => {
        if (e.detail.message.includes('pulled missing measurements')) resolve()
      }),
    )
    const latest = (node: string) => anchored.filter((x) => x.node === node && x.detail.round === 0).at(-1)?.detail
    const deadline = Date.now() + 4 * ROUND_MS + 10_000
    while (Date.now() < deadline) {
      const [da, db, dc] = [latest('a'), latest('b'), latest('c')]
      if (
        da &&
        db &&
        dc &&
        db.summaryCid === da.summaryCid &&
        dc.summaryCid === da.summaryCid &&
        anchored.filter((x) => x.node === 'b').length >= 2
      )
        break
      await new Promise((r) => setTimeout(r, 100))
    }
    await pulled
    const firstB = anchored.find((x) => x.node === 'b' && x.detail.round === 0)?.detail
    const [da, db] = [latest('a'), latest('b')]
    // B first saw less, so its first summary differed …
    expect(firstB?.summaryCid).not.toBe(da?.summaryCid)
    // … and after catching up it anchors what A and C anchored, committee by committee
    expect(db?.summaryCid).toBe(da?.summaryCid)
    for (const [task, cid] of Object.entries(db?.attested ?? {})) {
      const others = [latest('a'), latest('c')].map((d) => d?.attested[task]).filter((x) => x !== undefined)
      for (const other of others) expect([task, cid]).toEqual([task, other])
    }
    // B says why it anchored round 0 again
    expect(db?.reanchored).toBe('catch-up')
    // and the summary chain is one again: the next rounds' summaries link the round-0 summary as
    // the node holds it after catch-up (spec §9.1), so all three anchor the same summary CIDs
    const held = (node: string, round: number) =>
      anchored.filter((x) => x.node === node && x.detail.round === round).at(-1)?.detail.summaryCid
    const alike = (round: number) => {
      const cids = ['a', 'b', 'c'].map((n) => held(n, round))
      return cids.every((cid) => cid !== undefined && cid === cids[0])
    }
    const chainDeadline = Date.now() + 4 * ROUND_MS + 20_000
    while (Date.now() < chainDeadline && !(alike(1) && alike(2))) await new Promise((r) => setTimeout(r, 100))
    for (const round of [0, 1, 2])
      expect(
        ['a', 'b', 'c'].map((n) => held(n, round)),
        `round ${round}`,
      ).toEqual(Array(3).fill(held('a', round)))
  }, 90_000)
})
