import { afterEach, describe, expect, it } from 'vitest'
import { TrackerConfigError } from '../src/index.js'
import { type Fixture, fixture, gate, PEER, recordingLogger, waitFor } from './helpers.js'

let fx: Fixture
afterEach(() => fx?.cleanup())

const base = { preset: 'devnet', bootstrap: [PEER] }

describe('hot reload', () => {
  it('raising the minimum in the file turns an OK client away without a restart', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const logger = recordingLogger()
    const tracker = await fx.start({ logger })
    expect((await gate(tracker.url, '1.1.0')).status).toBe(200)

    await fx.write({ ...base, minCheckerVersion: '1.2.0' })
    await waitFor(async () => (await gate(tracker.url, '1.1.0')).status === 400, 5_000, 'the new minimum')
    expect(await gate(tracker.url, '1.1.0')).toMatchObject({ status: 400, body: 'OUTDATED CLIENT' })
    expect((await gate(tracker.url, '1.2.0')).status).toBe(200)
    expect(tracker.config().minCheckerVersion).toBe('1.2.0')
    const network = (await (await fetch(`${tracker.url}/v1/network`)).json()) as {
      minCheckerVersion: string
      params: { minCheckerVersion: string }
    }
    expect(network.minCheckerVersion).toBe('1.2.0')
    // the gate is policy: the params in force (the consensus floor, the digest) do not move
    expect(network.params.minCheckerVersion).toBe(tracker.config().params.minCheckerVersion)
    expect(logger.lines.some((l) => l.message === 'tracker config reloaded' && l.fields?.minCheckerVersion === '1.2.0')).toBe(true)
    const metrics = await tracker.registry.metrics()
    expect(metrics).toContain('tracker_min_checker_version_info{version="1.2.0"} 1')
    expect(metrics).not.toContain('version="1.0.0"')
    expect(metrics).toMatch(/tracker_config_reloads_total\{outcome="success"\} [1-9]/)
  })

  it('refuses a reload that changes the params in force without notice, and keeps serving the old ones', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const logger = recordingLogger()
    const tracker = await fx.start({ logger })
    const before = tracker.config().paramsDigest
    await fx.write({ ...base, params: { minCommitteeSize: 7 }, minCheckerVersion: '1.0.0' })
    await waitFor(
      () => logger.lines.some((l) => l.message === 'tracker config reload failed: keeping the last good config'),
      5_000,
      'the refusal',
    )
    const refusal = logger.lines.find((l) => l.message === 'tracker config reload failed: keeping the last good config')
    expect(String(refusal?.fields?.error)).toMatch(/refused: changes the params in force .* without notice: announce them in "upcoming"/)
    expect(tracker.config().paramsDigest).toBe(before)
    const network = (await (await fetch(`${tracker.url}/v1/network`)).json()) as { paramsDigest: string }
    expect(network.paramsDigest).toBe(before)
  })

  it('follows a file replaced by rename', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const tracker = await fx.start()
    await fx.writeAtomic({ ...base, minCheckerVersion: '3.0.0' })
    await waitFor(() => tracker.config().minCheckerVersion === '3.0.0', 5_000, 'the renamed file')
    expect(await gate(tracker.url, '2.9.9')).toMatchObject({ status: 400, body: 'OUTDATED CLIENT' })
    // and keeps following the new inode
    await fx.writeAtomic({ ...base, minCheckerVersion: '3.1.0' })
    await waitFor(() => tracker.config().minCheckerVersion === '3.1.0', 5_000, 'the second rename')
  })

  it('the stat fallback alone picks a change up', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const tracker = await fx.start({ reloadIntervalMs: 100 })
    await fx.write({ ...base, minCheckerVersion: '1.5.0' })
    await waitFor(() => tracker.config().minCheckerVersion === '1.5.0', 5_000, 'the change')
  })

  it('a broken file keeps the last good config, warns, and a fixed file applies again', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const logger = recordingLogger()
    const tracker = await fx.start({ logger, reloadIntervalMs: 100 })
    const before = tracker.config()

    for (const broken of [
      '{"preset": "devnet", "minCheckerVe',
      '',
      { ...base, minCheckerVersion: 'soon' },
      { ...base, params: { roundDurationMs: 0 } },
    ]) {
      logger.lines.length = 0
      await fx.write(broken)
      await waitFor(() => logger.lines.some((l) => l.level === 'warn'), 5_000, 'the warning')
      const warning = logger.lines.find((l) => l.level === 'warn')
      expect(warning?.fields?.path).toBe(fx.configPath)
      expect(String(warning?.fields?.error)).toContain(fx.configPath)
      expect(tracker.config()).toBe(before)
      expect((await gate(tracker.url, '1.0.0')).status).toBe(200)
      expect((await fetch(`${tracker.url}/healthz`)).status).toBe(200)
    }
    // reload() reports the error to its caller, still keeping the old config
    const err = await tracker.reload().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrackerConfigError)
    expect((err as TrackerConfigError).key).toBe('params.roundDurationMs')
    expect(tracker.config()).toBe(before)
    expect(await tracker.registry.metrics()).toMatch(/tracker_config_reloads_total\{outcome="failure"\} [4-9]/)

    await fx.write({ ...base, minCheckerVersion: '2.0.0' })
    await waitFor(() => tracker.config().minCheckerVersion === '2.0.0', 5_000, 'the fixed file')
  })

  it('a deleted file keeps the last good config', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const tracker = await fx.start({ reloadIntervalMs: 100 })
    const { rm } = await import('node:fs/promises')
    await rm(fx.configPath)
    const err = await tracker.reload().catch((e: unknown) => e)
    expect((err as TrackerConfigError).code).toBe('CONFIG_UNREADABLE')
    expect(tracker.config().minCheckerVersion).toBe('1.0.0')
    expect((await gate(tracker.url, '1.0.0')).status).toBe(200)
  })

  it('reload() applies the file at once', async () => {
    fx = await fixture({ ...base, minCheckerVersion: '1.0.0' })
    const tracker = await fx.start({ reloadIntervalMs: 0 })
    await fx.write({ ...base, minCheckerVersion: '1.1.0' })
    await tracker.reload()
    expect(tracker.config().minCheckerVersion).toBe('1.1.0')
  })

  it('stop() is idempotent and closes the port', async () => {
    fx = await fixture()
    const tracker = await fx.start()
    await Promise.all([tracker.stop(), tracker.stop()])
    await expect(fetch(`${tracker.url}/healthz`)).rejects.toThrow()
  })
})
