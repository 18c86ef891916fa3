import { devnet, type NetworkInfo, paramsDigest, roundStartTime } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { parseTrackerConfig, TrackerConfigError } from '../src/index.js'
import { type Fixture, fixture, gate, PEER, recordingLogger } from './helpers.js'

/*
 * Announced changes of the params (spec §1.3): the tracker serves `upcoming` until its round, then
 * the new params; it refuses reloads that give too little notice or move an announcement that is
 * due. The tracker's clock is injected, so rounds pass without waiting for them.
 */

let fx: Fixture
afterEach(() => fx?.cleanup())

const base = { preset: 'devnet', bootstrap: [PEER], minCheckerVersion: '0.1.0' }
const ROUND = 1000
// the middle of round ROUND of the devnet preset
let now = roundStartTime(devnet, ROUND) + devnet.roundDurationMs / 2
const clock = () => now
const network = async (url: string) => (await (await fetch(`${url}/v1/network`)).json()) as NetworkInfo

async function startAt(config: unknown) {
  now = roundStartTime(devnet, ROUND) + devnet.roundDurationMs / 2
  fx = await fixture(config)
  const logger = recordingLogger()
  const tracker = await fx.start({ logger, clock, reloadIntervalMs: 0 })
  const refusal = async (next: unknown): Promise<TrackerConfigError> => {
    await fx.write(next)
    const err = await tracker.reload().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrackerConfigError)
    expect((err as TrackerConfigError).code).toBe('CONFIG_PARAMS_CHANGED')
    return err as TrackerConfigError
  }
  return { tracker, logger, refusal }
}

describe('announced params changes', () => {
  it('serves the announcement until its round, then the new params, with the gate raised to their floor', async () => {
    const { tracker } = await startAt(base)
    const announced = { ...base, upcoming: { fromRound: ROUND + 2, params: { tasksPerRound: 24, minCheckerVersion: '0.3.0' } } }
    await fx.write(announced)
    await tracker.reload()
    const next = { ...devnet, tasksPerRound: 24, minCheckerVersion: '0.3.0' }

    const before = await network(tracker.url)
    expect(before.paramsDigest).toBe(paramsDigest(devnet))
    expect(before.upcoming).toEqual({ fromRound: ROUND + 2, params: next, paramsDigest: paramsDigest(next) })
    expect((await gate(tracker.url, '0.2.0')).status).toBe(200)

    now += devnet.roundDurationMs // round ROUND + 1: still announced
    expect((await network(tracker.url)).upcoming?.fromRound).toBe(ROUND + 2)

    now += devnet.roundDurationMs // round ROUND + 2: in force, no longer upcoming
    const after = await network(tracker.url)
    expect(after.params).toEqual(next)
    expect(after.paramsDigest).toBe(paramsDigest(next))
    expect(after).not.toHaveProperty('upcoming')
    expect(after.minCheckerVersion).toBe('0.3.0')
    expect(await gate(tracker.url, '0.2.0')).toMatchObject({ status: 400, body: 'OUTDATED CLIENT' })
    expect((await gate(tracker.url, '0.3.0')).status).toBe(200)
    expect(await (await fetch(`${tracker.url}/metrics`)).text()).toContain('tracker_min_checker_version_info{version="0.3.0"} 1')

    // writing the change into params once it is in force changes nothing that is served
    await fx.write({ ...base, params: { tasksPerRound: 24, minCheckerVersion: '0.3.0' }, minCheckerVersion: '0.3.0' })
    await tracker.reload()
    expect(await network(tracker.url)).toEqual(after)
  })

  it('refuses a change without notice or with too little, and keeps serving the old params', async () => {
    const { tracker, logger, refusal } = await startAt(base)
    const without = await refusal({ ...base, params: { tasksPerRound: 24 } })
    expect(without.message).toMatch(/refused: changes the params in force .* with a fromRound of at least 1002/)
    const tooSoon = await refusal({ ...base, upcoming: { fromRound: ROUND + 1, params: { tasksPerRound: 24 } } })
    expect(tooSoon.message).toContain('announces a change for round 1001 with too little notice (this is round 1000)')
    const served = await network(tracker.url)
    expect(served.paramsDigest).toBe(paramsDigest(devnet))
    expect(served).not.toHaveProperty('upcoming')
    expect(logger.lines.filter((l) => l.message === 'tracker config reload failed: keeping the last good config')).toHaveLength(2)
  })

  it('refuses to alter or withdraw an announcement that is due, accepts it further out', async () => {
    const far = { ...base, upcoming: { fromRound: ROUND + 5, params: { tasksPerRound: 24 } } }
    const { tracker, refusal } = await startAt(far)
    // five rounds ahead: it may still move
    await fx.write({ ...base, upcoming: { fromRound: ROUND + 2, params: { tasksPerRound: 30 } } })
    await tracker.reload()
    expect((await network(tracker.url)).upcoming?.params.tasksPerRound).toBe(30)
    const altered = await refusal({ ...base, upcoming: { fromRound: ROUND + 3, params: { tasksPerRound: 30 } } })
    expect(altered.message).toMatch(/alters the announced change of round 1002 .* nodes may already act on it/)
    const withdrawn = await refusal(base)
    expect(withdrawn.message).toMatch(/withdraws the announced change of round 1002/)
    expect((await network(tracker.url)).upcoming?.fromRound).toBe(ROUND + 2)
  })

  it('refuses an announcement of another network in the file, naming the key', () => {
    const parse = (upcoming: unknown) => () => parseTrackerConfig(JSON.stringify({ ...base, upcoming }), '/etc/tracker.json')
    expect(parse({ fromRound: 5, params: { genesisTime: 1 } })).toThrow(/upcoming\.params\.genesisTime never changes/)
    expect(parse({ fromRound: -1, params: {} })).toThrow(/upcoming\.fromRound must be a round number/)
    expect(parse({ fromRound: 5 })).toThrow(/upcoming\.params must be an object/)
    expect(parse({ fromRound: 5, params: { tasksPerRound: 0 } })).toThrow(/upcoming\.params\.tasksPerRound must be a positive integer/)
    expect(parse({ fromRound: 5, params: {}, when: 'soon' })).toThrow(/upcoming\.when is not a key of upcoming/)
    expect(parse([])).toThrow(/upcoming must be an object/)
    const err = (() => {
      try {
        parse({ fromRound: 5, params: { randomness: { type: 'local', genesisSeed: '00'.repeat(32) } } })()
      } catch (e) {
        return e as TrackerConfigError
      }
    })()
    expect(err?.code).toBe('CONFIG_INVALID')
    expect(err?.key).toBe('upcoming.params.randomness')
  })
})
