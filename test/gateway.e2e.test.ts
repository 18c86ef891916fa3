import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { type Swarm, startSwarm } from '@spark-swarm/devnet'
import {
  instrumentNode,
  type NodeInstrumentation,
  type StatusServer,
  type SummaryAnchoredDetail,
  startStatusServer,
} from '@spark-swarm/node'
import { decodeCommitteeBlock, decodeRoundSummary } from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { verifiedFetchFrom } from './verified-fetch-client.js'

// A devnet node's status server as a trustless gateway on loopback: an independent client,
// @helia/verified-fetch, fetches a summary it anchored and its committee blocks from it (and checks
// every block against its CID), and the CAR it serves is a round `spark-swarm verify` accepts.
const NODES = 3

let swarm: Swarm
let metrics: NodeInstrumentation
let server: StatusServer
let anchored: Promise<SummaryAnchoredDetail>

beforeAll(async () => {
  swarm = await startSwarm({
    nodes: NODES,
    seed: 'trustless gateway e2e',
    blocksPerProvider: 2,
    providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    params: { roundDurationMs: 4_000, gracePeriodMs: 1_000, maxTasksPerNode: 2, minCommitteeSize: 1 },
  })
  const node = swarm.nodes[0]!
  // the first round node 0 anchors with a committee in it
  anchored = new Promise((resolve) => {
    node.addEventListener('summary:anchored', (e) => {
      if (Object.keys(e.detail.attested).length > 0) resolve(e.detail)
    })
  })
  metrics = instrumentNode(node)
  server = await startStatusServer({ node, registry: metrics.registry })
}, 30_000)

afterAll(async () => {
  await server?.stop()
  metrics?.stop()
  await swarm?.stop()
}, 30_000)

describe("a node's trustless gateway", () => {
  it('serves an anchored summary and its committee blocks to @helia/verified-fetch', async () => {
    const { summaryCid } = await anchored
    const { vfetch, helia } = await verifiedFetchFrom(server.url)
    try {
      const fetchBlock = async (cid: string | CID) => {
        const res = await vfetch(`ipfs://${cid}`, { headers: { accept: 'application/vnd.ipld.raw' }, signal: AbortSignal.timeout(10_000) })
        expect(res.status).toBe(200)
        return new Uint8Array(await res.arrayBuffer())
      }
      const summary = decodeRoundSummary(await fetchBlock(summaryCid))
      expect(summary.network).toBe(swarm.params.network)
      expect(summary.committees.length).toBeGreaterThan(0)
      for (const link of summary.committees) {
        const committee = decodeCommitteeBlock(await fetchBlock(link))
        expect(committee.round).toBe(summary.round)
      }
      // the same block as plain DAG-CBOR
      expect(dagCbor.decode(await fetchBlock(summaryCid))).toMatchObject({ round: summary.round })
    } finally {
      await vfetch.stop()
      await helia.stop()
    }
  }, 30_000)

  it('serves the round as a CAR that spark-swarm verify accepts', async () => {
    const { summaryCid, round } = await anchored
    const res = await fetch(`${server.url}ipfs/${summaryCid}?format=car`, { signal: AbortSignal.timeout(10_000) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.ipld\.car; version=1/)
    const dir = await mkdtemp(join(tmpdir(), 'spark-swarm-gateway-'))
    try {
      const car = join(dir, 'round.car')
      await writeFile(car, new Uint8Array(await res.arrayBuffer()))
      const verified = await runCli(['verify', car, '--json'], { timeoutMs: 30_000 })
      expect(verified.code).toBe(0)
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, round, summaryCid, problems: [] })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 45_000)
})
