import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CliError, resolveNodeConfig } from '@spark-swarm/cli'
import {
  cliConfigTarget,
  cliVerifyTarget,
  nested,
  scenarioTarget,
  toJsonText,
  trackerConfigTarget,
  trackerHttpTarget,
} from '@spark-swarm/fuzz'
import { parseTrackerConfig, startTracker, TrackerConfigError } from '@spark-swarm/tracker'
import { describe, expect, it } from 'vitest'
import { fuzz } from './fuzz-helpers.js'

// Files an operator or a researcher hands us, and the tracker's HTTP port: each input is
// accepted or rejected with the code of the documented error (or, for HTTP, a 4xx JSON error code).
describe('fuzzing config files and the tracker', () => {
  it('tracker config: a config, or TrackerConfigError CONFIG_INVALID', async () => {
    const stats = await fuzz(trackerConfigTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.rejected).toBeGreaterThan(0)
  })

  it('sim scenario: a scenario, or ScenarioError SCENARIO_INVALID', async () => {
    const stats = await fuzz(scenarioTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.rejected).toBeGreaterThan(0)
  })

  it('node config file: a config with known settings only, or a CliError', async () => {
    const stats = await fuzz(await cliConfigTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.rejected).toBeGreaterThan(0)
  })

  it('spark-swarm verify: a verdict, or a CliError, for changed round exports', async () => {
    const stats = await fuzz(await cliVerifyTarget(), 100)
    expect(stats.codes.get('EXIT_1')).toBeGreaterThan(0)
  })

  it('tracker HTTP: every request gets a 2xx or a 4xx JSON error code, and /healthz answers after', async () => {
    const stats = await fuzz(await trackerHttpTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.codes.size).toBeGreaterThan(4)
  })
})

describe('found by fuzzing', () => {
  it('a tracker config with a deeply nested value is CONFIG_INVALID (was a RangeError)', () => {
    for (const text of [toJsonText({ preset: nested(6_000) }), toJsonText({ preset: 'devnet', bootstrap: [nested(6_000)] })]) {
      expect(() => parseTrackerConfig(text, 'tracker.json')).toThrow(TrackerConfigError)
    }
  })

  it('a node config file with a nested apiPort, or a key like "toString", is a CliError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fuzz-found-'))
    try {
      const path = join(dir, 'node.json')
      for (const text of [toJsonText({ apiPort: nested(6_000) }), '{"toString": "devnet"}', '{"constructor": "x"}']) {
        await writeFile(path, text)
        await expect(resolveNodeConfig({}, {}, path)).rejects.toThrow(CliError)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the tracker answers CONNECT with 405 METHOD_NOT_ALLOWED instead of dropping the connection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fuzz-found-'))
    const configPath = join(dir, 'tracker.json')
    await writeFile(configPath, JSON.stringify({ preset: 'devnet' }))
    const tracker = await startTracker({ configPath, reloadIntervalMs: 0 })
    try {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(tracker.port, '127.0.0.1')
        let text = ''
        socket.on('data', (c: Buffer) => {
          text += c.toString('latin1')
        })
        socket.on('close', () => resolve(text))
        socket.end('CONNECT tracker.example:443 HTTP/1.1\r\nHost: tracker.example\r\n\r\n')
      })
      expect(answer).toMatch(/^HTTP\/1\.1 405 /)
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'METHOD_NOT_ALLOWED' })
    } finally {
      await tracker.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
