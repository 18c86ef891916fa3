import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Swarm, startSwarm } from '@spark-swarm/devnet'
import type { RoundEvaluatedDetail } from '@spark-swarm/node'
import { roundAt } from '@spark-swarm/protocol'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { killAll, startChild } from './child-node.js'

// A node killed with SIGKILL in the middle of a round, then started again on the same data dir:
// its store is intact, what it measured before the kill reaches the swarm, and it does not check a
// task twice. (A kill inside a store write transaction: packages/node/test/store-crash.test.ts.)
const ROUND_MS = 8_000

let swarm: Swarm | undefined
let dataDir: string | undefined
const children: ChildProcess[] = []

afterAll(async () => {
  killAll(children)
  await swarm?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, 30_000)

describe('kill -9 mid-round and restart', () => {
  it('store intact, no measurement lost, no task redone', async () => {
    swarm = await startSwarm({
      nodes: 3,
      seed: 'restart e2e',
      blocksPerProvider: 2,
      providers: [
        { minerId: 'f01000', profile: { kind: 'healthy' } },
        { minerId: 'f02000', profile: { kind: 'healthy' } },
      ],
      params: { roundDurationMs: ROUND_MS, gracePeriodMs: 1_000, maxTasksPerNode: 4, minCommitteeSize: 1 },
      node: { checkWindow: 0.6 },
    })
    const evaluations: RoundEvaluatedDetail[] = []
    swarm.nodes[0]?.addEventListener('round:evaluated', (e) => evaluations.push(e.detail))
    dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-restart-'))
    const base = {
      dataDir: join(dataDir, 'victim'),
      params: swarm.params,
      catalogue: swarm.world.catalogue,
      indexerUrl: swarm.world.ipniUrl,
      rpcUrl: swarm.world.rpcUrl,
      inetGroup: '10.9.9.0/24',
      loopback: true,
      checkWindow: 0.6,
    }
    // first life: no peers at all, so nothing it measures can be published before the kill
    const first = startChild({ ...base, bootstrap: [] })
    children.push(first.child)
    const started = await first.waitFor((l) => l.event === 'started', 20_000)
    const measured = await first.waitFor((l) => l.event === 'measured', 3 * ROUND_MS)
    const round = measured.round as number
    first.child.kill('SIGKILL')
    await first.exited
    const beforeKill = first.lines.filter((l) => l.event === 'measured' && l.round === round).map((l) => l.cid as string)
    expect(beforeKill.length).toBeGreaterThan(0)
    // it was killed mid-round
    expect(roundAt(swarm.params, Date.now())).toBe(round)

    // second life: same data dir, now joined to the swarm
    const second = startChild({ ...base, bootstrap: swarm.nodes[0]?.multiaddrs() ?? [] })
    children.push(second.child)
    const restarted = await second.waitFor((l) => l.event === 'started', 20_000)
    expect(restarted.stationId).toBe(started.stationId)
    await second.waitFor((l) => l.event === 'anchored' && l.round === round, 3 * ROUND_MS)
    const afterRestart = second.lines.filter((l) => l.event === 'measured' && l.round === round)
    second.child.kill('SIGTERM')
    await second.exited

    // the store after a kill -9 and a restart: intact, every measurement of the first life with its done task
    const db = new Database(join(base.dataDir, 'node.sqlite'), { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const task = db.prepare<[string], string>("SELECT status FROM tasks WHERE measurement_cid = ? AND status = 'done'").pluck()
      for (const cid of beforeKill) expect(task.get(cid), cid).toBe('done')
    } finally {
      db.close()
    }

    // the swarm's evaluation of that round holds every measurement the victim made
    for (let i = 0; i < 100 && !evaluations.some((e) => e.round === round); i++) await new Promise((r) => setTimeout(r, 100))
    const evaluation = evaluations.find((e) => e.round === round)?.evaluation
    expect(evaluation).toBeDefined()
    const victims = evaluation?.measurements.filter((m) => m.stationId === started.stationId) ?? []
    for (const cid of beforeKill) expect(victims.map((m) => m.cid)).toContain(cid)
    // one measurement per task: nothing redone (a second one would be labelled DUPLICATE)
    const tasks = victims.map((m) => `${m.task.cid}::${m.task.minerId}`)
    expect(new Set(tasks).size).toBe(tasks.length)
    expect(victims.every((m) => m.taskingEvaluation === 'OK')).toBe(true)
    // the tasks finished before the kill were not measured again after the restart
    for (const l of afterRestart) expect(beforeKill).not.toContain(l.cid)
    expect(beforeKill.length + afterRestart.length).toBe(victims.length)
  }, 90_000)
})
