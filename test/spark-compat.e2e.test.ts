import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

const vectors = new URL('./vectors/spark-evaluate/', import.meta.url)
const cases = readdirSync(vectors).filter((d) => d.startsWith('case-'))

describe('spark-swarm evaluate --spark-compat reproduces spark-evaluate', () => {
  it('has known-answer cases to replay', () => expect(cases.length).toBeGreaterThanOrEqual(3))

  for (const name of cases) {
    it(name, async () => {
      const dir = new URL(`${name}/`, vectors)
      const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'))
      const { code, stdout, stderr } = await runCli([
        'evaluate',
        '--spark-compat',
        '--round',
        new URL('round.json', dir).pathname,
        new URL('measurements.ndjson', dir).pathname,
      ])
      expect(stderr).toBe('')
      expect(code).toBe(0)
      const out = JSON.parse(stdout)
      expect(out.measurements).toEqual(expected.measurements)
      expect(out.dropped.map((d: { id: unknown }) => d.id)).toEqual(expected.dropped.map((d: { id: unknown }) => d.id))
      expect(out.committees).toEqual(expected.committees)
      expect(out.providers).toEqual(expected.providers)
    })
  }
})
