import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { devnet, type NetworkInfo, networkInfoBody, type ProtocolParams, paramsDigest, roundAt } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/index.js'
import { createParamsWatch, type ParamsChangedDetail } from '../src/node/params-watch.js'
import { joinNetwork, readNetworkCache, TrackerError } from '../src/tracker/index.js'

const bigger: ProtocolParams = { ...devnet, tasksPerRound: 24 }
const info = (params: ProtocolParams, upcoming?: { fromRound: number; params: ProtocolParams }): NetworkInfo =>
  networkInfoBody(
    params,
    paramsDigest(params),
    [],
    params.minCheckerVersion,
    upcoming ? { ...upcoming, paramsDigest: paramsDigest(upcoming.params) } : undefined,
  )

/** A watch on devnet params whose tracker answers whatever `serve` holds, and what it emitted. */
function watchWith(serve: { answer: NetworkInfo | Error }) {
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const changed: ParamsChangedDetail[] = []
  const activity: Array<{ level: string; message: string; code?: string }> = []
  events.addEventListener('params:changed', (e) => changed.push(e.detail))
  events.addEventListener('activity', (e) => activity.push(e.detail))
  const source = {
    network: async () => {
      if (serve.answer instanceof Error) throw serve.answer
      return serve.answer
    },
  }
  return { watch: createParamsWatch({ events }, { params: devnet, source }), changed, activity }
}

describe('params watch', () => {
  it('an announced change: logged when seen, reported once when it takes effect, with the new params', async () => {
    const serve = { answer: info(devnet, { fromRound: 12, params: bigger }) as NetworkInfo | Error }
    const { watch, changed, activity } = watchWith(serve)
    await watch.check(10)
    await watch.check(11)
    expect(changed).toEqual([])
    expect(activity.filter((a) => a.code === 'PARAMS_ANNOUNCED')).toHaveLength(1)
    expect(activity[0]?.message).toMatch(
      /^the network announced new params from round 12 \([0-9a-f]{12} → [0-9a-f]{12}\); this is round 10$/,
    )
    expect(watch.status()).toEqual({
      paramsDigest: paramsDigest(devnet),
      upcoming: { fromRound: 12, paramsDigest: paramsDigest(bigger) },
      mismatch: null,
    })

    // the tracker now serves the new params, without the announcement
    serve.answer = info(bigger)
    await watch.check(12)
    await watch.check(13)
    expect(changed).toHaveLength(1)
    expect(changed[0]).toMatchObject({
      round: 12,
      previousDigest: paramsDigest(devnet),
      paramsDigest: paramsDigest(bigger),
      params: bigger,
      announced: true,
    })
    expect(changed[0]?.message).toMatch(/params change in round 12 as announced/)
    expect(activity.filter((a) => a.code === 'PARAMS_CHANGED')).toEqual([
      { level: 'warn', message: changed[0]?.message, code: 'PARAMS_CHANGED' },
    ])
    expect(watch.status().mismatch).toEqual({ round: 12, paramsDigest: paramsDigest(bigger), announced: true })
    expect(watch.status().upcoming).toBeNull()
  })

  it('params that differ without an announcement are reported as such; an unreachable tracker changes nothing', async () => {
    const serve = { answer: info(bigger) as NetworkInfo | Error }
    const { watch, changed } = watchWith(serve)
    await watch.check(5)
    expect(changed).toHaveLength(1)
    expect(changed[0]?.announced).toBe(false)
    expect(changed[0]?.message).toMatch(/differ from this node's .* in round 5, without an announcement this node saw/)
    serve.answer = new TrackerError('TRACKER_UNREACHABLE', 'tracker down')
    await watch.check(6)
    expect(watch.status().mismatch?.round).toBe(5)
    // the network comes back to this node's params: the mismatch is over
    serve.answer = info(devnet)
    await watch.check(7)
    expect(watch.status().mismatch).toBeNull()
    expect(changed).toHaveLength(1)
  })

  it('without a source it never asks and never reports', async () => {
    const events = new TypedEventTarget<CheckerNodeEvents>()
    const watch = createParamsWatch({ events }, { params: devnet })
    await watch.check(3)
    expect(watch.status()).toEqual({ paramsDigest: paramsDigest(devnet), upcoming: null, mismatch: null })
  })
})

describe('the network cache keeps the announcement', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('joins on the params in force, and a node started from the cache after fromRound gets the new ones', async () => {
    dir = await mkdtemp(join(tmpdir(), 'params-cache-'))
    const now = roundAt(devnet, Date.now())
    const network = info(devnet, { fromRound: now + 2, params: bigger })
    let up = true
    const tracker = {
      network: async () => {
        if (!up) throw new TrackerError('TRACKER_UNREACHABLE', 'tracker down')
        return network
      },
      gate: async () => ({ outdated: false as const, minCheckerVersion: '0.1.0' }),
      clockReading: () => undefined,
    }
    const joined = await joinNetwork({ tracker, trackerUrl: 'http://t', dataDir: dir })
    expect(joined.params).toEqual(devnet)
    expect(joined.upcoming?.fromRound).toBe(now + 2)
    expect((await readNetworkCache(dir))?.upcoming).toEqual(network.upcoming)

    // the tracker goes down; the cache says the change took effect already
    up = false
    const path = join(dir, 'network.json')
    const file = JSON.parse(await readFile(path, 'utf8'))
    await writeFile(path, JSON.stringify({ ...file, upcoming: { ...file.upcoming, fromRound: now - 1 } }))
    const fromCache = await joinNetwork({ tracker, trackerUrl: 'http://t', dataDir: dir })
    expect(fromCache.source).toBe('cache')
    expect(fromCache.params).toEqual(bigger)
    expect(fromCache.upcoming).toBeUndefined()

    // an announcement of another network in the cache is refused, naming it
    await writeFile(path, JSON.stringify({ ...file, upcoming: { ...file.upcoming, paramsDigest: '00'.repeat(32) } }))
    await expect(readNetworkCache(dir)).rejects.toThrow(/its upcoming\.paramsDigest does not match upcoming\.params/)
  })
})
