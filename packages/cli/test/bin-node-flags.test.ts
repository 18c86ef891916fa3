import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { NODE_FLAGS } from '../src/node-flags.js'

const run = promisify(execFile)
const shim = fileURLToPath(new URL('../bin/spark-swarm.js', import.meta.url))

// src/node-flags.ts: the options every command runs with, passed by the bin's shebang
describe('the bin shim’s Node options', () => {
  it('the shebang passes exactly NODE_FLAGS', async () => {
    const [first] = (await readFile(shim, 'utf8')).split('\n', 1)
    expect(first).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`)
  })

  it('runs through its shebang', async () => {
    const { stdout } = await run(shim, ['--help'])
    expect(stdout).toMatch(/^Usage: spark-swarm/)
  })

  it('caps the young generation at 8 MiB', async () => {
    // objects that survive scavenges grow the semi-spaces to their maximum (16 MiB each without the option)
    const script = `const keep = []
      for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 2e5) keep.length = 0 }
      const young = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
      console.log(young.space_size / 2 ** 20)`
    const young = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, '-e', script])).stdout)
    expect(await young(NODE_FLAGS)).toBeLessThanOrEqual(8.5)
    expect(await young([])).toBeGreaterThan(8.5)
  })
})
