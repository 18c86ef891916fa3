import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/cli.js'

let dir: string
let scenario: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-sim-'))
  scenario = join(dir, 'scenario.json')
  await writeFile(
    scenario,
    JSON.stringify({
      name: 'cli test',
      seed: 'cli sim',
      nodes: 200,
      tasksPerRound: 20,
      maxTasksPerNode: 5,
      minCommitteeSize: 10,
      rounds: 5,
      providers: [
        { minerId: 'f01000', successRate: 1 },
        { minerId: 'f02000', successRate: 0.3 },
      ],
      adversaries: [{ kind: 'always-fail', share: 0.1 }],
    }),
  )
})
afterAll(async () => rm(dir, { recursive: true, force: true }))

describe('spark-swarm sim', () => {
  it('runs a scenario and writes JSON, CSV and the HTML report', async () => {
    const out = join(dir, 'run')
    const { code, stdout } = await runCli(['sim', '--scenario', scenario, '--out', out])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^cli test: 5 rounds, 200 nodes/m)
    expect(stdout).toMatch(/f02000 +30\.0%/)
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'))
    expect(result.providers.map((p: { minerId: string }) => p.minerId)).toEqual(['f01000', 'f02000'])
    // 10 % always-fail liars: the healthy provider loses about 10 points per request, none by committee
    const healthy = result.providers[0]
    expect(healthy.perRequest.rate).toBeLessThan(0.95)
    expect(healthy.committee.rate).toBe(1)
    expect((await readFile(join(out, 'result.csv'), 'utf8')).split('\n')[0]).toMatch(/^minerId,trueRate/)
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i)
  })

  it('sweeps a parameter', async () => {
    const out = join(dir, 'sweep')
    const { code, stdout } = await runCli(['sim', '--scenario', scenario, '--sweep', 'adversaries.0.share=0:0.2:0.1', '--out', out])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^sweep adversaries\.0\.share from 0 to 0\.2 step 0\.1/m)
    const sweep = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'))
    expect(sweep.points.map((p: { value: number }) => p.value)).toEqual([0, 0.1, 0.2])
    // per-request error grows with the liars
    expect(sweep.points[2].meanError.perRequest).toBeGreaterThan(sweep.points[0].meanError.perRequest)
  })

  it('names the field of a broken scenario, exit 2', async () => {
    const bad = join(dir, 'bad.json')
    await writeFile(
      bad,
      JSON.stringify({
        seed: 's',
        nodes: 10,
        tasksPerRound: 5,
        maxTasksPerNode: 2,
        minCommitteeSize: 1,
        rounds: 1,
        providers: [{ minerId: 'f0', successRate: 2 }],
      }),
    )
    const { code, stderr } = await runCli(['sim', '--scenario', bad])
    expect(code).toBe(2)
    expect(stderr).toMatch(/providers\[0\]\.successRate/)
  })

  it('--emulate runs the providers on real nodes and compares with the model', async () => {
    const { code, stdout, stderr } = await runCli(['sim', '--scenario', scenario, '--emulate'], { timeoutMs: 130_000 })
    expect(code, stderr.slice(-2_000)).toBe(0)
    expect(stdout).toMatch(/^emulated \d+ rounds on 12 real nodes/m)
    expect(stdout).toMatch(/committee size: real [\d.]+, model [\d.]+; delivery \d+ %/)
  }, 150_000)
})
