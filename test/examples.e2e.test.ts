import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

const example = (path: string) => fileURLToPath(new URL(`../examples/${path}`, import.meta.url))

describe('examples', () => {
  it('station-embedding runs a node as an app would: events, status, clean stop', async () => {
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      execFile(process.execPath, [example('station-embedding/index.mjs'), '2'], { timeout: 60_000 }, (err, stdout) =>
        resolve({ stdout, code: err ? ((err as unknown as { code?: number }).code ?? 1) : 0 }),
      )
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^node 12D3KooW\w+ started$/m)
    expect(stdout).toMatch(/^jobs completed: [1-9]\d*$/m)
    expect([...stdout.matchAll(/^round \d+ evaluated: /gm)]).toHaveLength(2)
    expect(stdout).toMatch(/f01000 OK/)
    expect(stdout).toMatch(/f02000 HTTP_502/)
    expect(stdout).toMatch(/^stopped$/m)
  }, 90_000)

  it('simulate-committees: the scenario runs as its README says', async () => {
    const { code, stdout } = await runCli(['sim', '--scenario', example('simulate-committees/scenario.json'), '--json'], {
      timeoutMs: 60_000,
    })
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.providers).toHaveLength(4)
    expect(result.committees.meanSize).toBeGreaterThan(30)
  }, 60_000)

  it('evaluate-spark-round runs as its README says', async () => {
    const { code, stdout } = await runCli([
      'evaluate',
      '--spark-compat',
      '--summary',
      '--pretty',
      '--round',
      example('evaluate-spark-round/round.json'),
      example('evaluate-spark-round/measurements.ndjson'),
    ])
    expect(code).toBe(0)
    const out = JSON.parse(stdout)
    expect(out.committees.length).toBeGreaterThan(0)
    expect(out.measurements.some((m: { consensusEvaluation: string }) => m.consensusEvaluation === 'MAJORITY_RESULT')).toBe(true)
    expect(Object.keys(out.scores)).toEqual(Object.keys(out.providers).sort())
  })
})
