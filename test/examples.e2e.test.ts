import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

const example = (path: string) => fileURLToPath(new URL(`../examples/${path}`, import.meta.url))

describe('examples', () => {
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
