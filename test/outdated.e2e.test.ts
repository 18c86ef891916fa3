import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { type CheckerNode, createCheckerNode, createTrackerClient } from '@spark-swarm/node'
import { devnet } from '@spark-swarm/protocol'
import { startTracker } from '@spark-swarm/tracker'
import { afterAll, describe, expect, it } from 'vitest'

// Spark's 2.x roadmap's version gate: the tracker answers an outdated client `400 OUTDATED CLIENT`; the node, on
// first receiving it, reports an error activity and stops doing work, but stays up.
const ROUND_MS = 2_000
let dir: string | undefined
let world: OutsideWorld | undefined
let tracker: Awaited<ReturnType<typeof startTracker>> | undefined
let node: CheckerNode | undefined

afterAll(async () => {
  await node?.stop()
  await tracker?.stop()
  await world?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
}, 30_000)

const until = async (what: string, pred: () => boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('version gate', () => {
  it('a node turned away as outdated emits `outdated` once, stops working and stays up', async () => {
    dir = await mkdtemp(join(tmpdir(), 'spark-swarm-outdated-'))
    const configPath = join(dir, 'tracker.json')
    const writeConfig = (minCheckerVersion: string) =>
      writeFile(configPath, JSON.stringify({ preset: 'devnet', bootstrap: [], minCheckerVersion }))
    await writeConfig('0.1.0')
    tracker = await startTracker({ configPath, reloadIntervalMs: 100 })
    world = await startOutsideWorld({
      seed: 'outdated e2e',
      blocksPerProvider: 2,
      providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    })
    node = createCheckerNode({
      dataDir: join(dir, 'node'),
      params: { ...devnet, genesisTime: Date.now(), roundDurationMs: ROUND_MS, gracePeriodMs: 500, minCommitteeSize: 1, tasksPerRound: 2 },
      catalogue: world.catalogue,
      indexerUrl: world.ipniUrl,
      inetGroup: '192.0.2.0/24',
      loopback: true,
      checkerVersion: '0.1.0',
      versionGate: createTrackerClient({ url: tracker.url, checkerVersion: '0.1.0' }),
    })
    const outdated: string[] = []
    const errors: string[] = []
    let jobs = 0
    node.addEventListener('outdated', (e) => outdated.push(e.detail.message))
    node.addEventListener('activity', (e) => {
      if (e.detail.level === 'error') errors.push(e.detail.message)
    })
    node.addEventListener('jobs-completed', (e) => {
      jobs = e.detail.count
    })
    await node.start()
    await until('the first checks', () => jobs > 0, 4 * ROUND_MS)

    // the network raises its minimum: no restart of anything
    await writeConfig('9.0.0')
    await until('the outdated event', () => outdated.length > 0, 4 * ROUND_MS)
    const jobsWhenOutdated = jobs
    await new Promise((r) => setTimeout(r, 3 * ROUND_MS))
    expect(outdated).toHaveLength(1)
    expect(errors.filter((m) => m.includes('the network requires 9.0.0 or later'))).toHaveLength(1)
    expect(jobs).toBeLessThanOrEqual(jobsWhenOutdated + 2) // checks already under way may finish
    const before = node.status().jobsCompleted
    await new Promise((r) => setTimeout(r, 2 * ROUND_MS))
    expect(node.status().jobsCompleted).toBe(before)
    // still up: an app can show the state
    const status = node.status()
    expect(status.outdated).toBe(true)
    expect(status.peerId).toMatch(/^12D3KooW/)

    // the network lowers its minimum again: the node is let back in and works again, without a restart
    const accepted: string[] = []
    node.addEventListener('version:accepted', (e) => accepted.push(e.detail.message))
    const jobsBeforeAccepted = node.status().jobsCompleted
    await writeConfig('0.1.0')
    await until('the version:accepted event', () => accepted.length > 0, 4 * ROUND_MS)
    await until('checks again', () => node?.status().jobsCompleted !== jobsBeforeAccepted, 4 * ROUND_MS)
    expect(accepted).toHaveLength(1)
    expect(node.status().outdated).toBe(false)
  }, 60_000)
})
