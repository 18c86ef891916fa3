import { catalogueCid, cidOfDagCbor, devnet, mainnet, paramsDigest } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { parseTrackerConfig, TrackerConfigError } from '../src/index.js'
import { type Fixture, fixture, PEER } from './helpers.js'

const parse = (config: unknown) => parseTrackerConfig(typeof config === 'string' ? config : JSON.stringify(config), '/etc/tracker.json')

function expectConfigError(config: unknown, key: string, pattern?: RegExp): TrackerConfigError {
  let caught: unknown
  try {
    parse(config)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(TrackerConfigError)
  const err = caught as TrackerConfigError
  expect(err.code).toBe('CONFIG_INVALID')
  expect(err.key).toBe(key)
  expect(err.path).toBe('/etc/tracker.json')
  expect(err.message).toContain('/etc/tracker.json')
  if (key) expect(err.message).toContain(key)
  if (pattern) expect(err.message).toMatch(pattern)
  return err
}

describe('parseTrackerConfig', () => {
  it('serves a preset as is', () => {
    const config = parse({ preset: 'mainnet' })
    expect(config.params).toEqual(mainnet)
    expect(config.paramsDigest).toBe(paramsDigest(mainnet))
    expect(config.bootstrap).toEqual([])
    expect(config.minCheckerVersion).toBe(mainnet.minCheckerVersion)
    expect(Object.isFrozen(config.params)).toBe(true)
    expect(Object.isFrozen(config.bootstrap)).toBe(true)
  })

  it('applies params overrides; the top-level minCheckerVersion is the gate only, never below the params floor', () => {
    const config = parse({
      preset: 'devnet',
      params: { network: 'devnet-7', roundDurationMs: 30_000, minCheckerVersion: '0.9.0', catalogueCid: 'bafyfoo' },
      bootstrap: [PEER],
      minCheckerVersion: '1.4.0',
    })
    expect(config.params).toEqual({
      ...devnet,
      network: 'devnet-7',
      roundDurationMs: 30_000,
      minCheckerVersion: '0.9.0',
      catalogueCid: 'bafyfoo',
    })
    expect(config.minCheckerVersion).toBe('1.4.0')
    expectConfigError(
      { preset: 'devnet', params: { minCheckerVersion: '0.9.0' }, minCheckerVersion: '0.8.0' },
      'minCheckerVersion',
      /at or above params.minCheckerVersion \(0.9.0\)/,
    )
    expect(config.paramsDigest).toBe(paramsDigest(config.params))
    expect(config.bootstrap).toEqual([PEER])
  })

  it('names the file and the bad key', () => {
    expectConfigError('{"preset": "devnet",', '', /not valid JSON/)
    expectConfigError('', '', /not valid JSON/)
    expectConfigError([], '', /JSON object/)
    expectConfigError({ preset: 'devnet', extra: 1 }, 'extra', /not a tracker config key/)
    expectConfigError({}, 'preset', /mainnet, devnet, spark-compat/)
    expectConfigError({ preset: 'testnet' }, 'preset')
    expectConfigError({ preset: 'devnet', params: [] }, 'params')
    expectConfigError({ preset: 'devnet', params: { roundDurationMs: -1 } }, 'params.roundDurationMs', /positive integer/)
    expectConfigError({ preset: 'devnet', params: { roundDuration: 5 } }, 'params.roundDuration', /not a protocol parameter/)
    expectConfigError({ preset: 'devnet', params: { network: 'Dev Net' } }, 'params.network')
    expectConfigError({ preset: 'devnet', params: { randomness: { type: 'local' } } }, 'params.randomness.genesisSeed')
    expectConfigError({ preset: 'devnet', params: { minCheckerVersion: 'one' } }, 'params.minCheckerVersion')
    expectConfigError({ preset: 'devnet', minCheckerVersion: '1.2' }, 'minCheckerVersion', /like 1\.2\.3/)
    expectConfigError({ preset: 'devnet', minCheckerVersion: 120 }, 'minCheckerVersion')
    expectConfigError({ preset: 'devnet', bootstrap: PEER }, 'bootstrap', /array/)
    expectConfigError({ preset: 'devnet', bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }, 'bootstrap[0]', /\/p2p\//)
    expectConfigError({ preset: 'devnet', bootstrap: [PEER, 'not a multiaddr'] }, 'bootstrap[1]')
    expectConfigError({ preset: 'devnet', bootstrap: [PEER, PEER] }, 'bootstrap', /twice/)
  })
})

describe('startTracker with a bad file', () => {
  let fx: Fixture
  afterEach(() => fx?.cleanup())

  it('throws naming the file and the key', async () => {
    fx = await fixture({ preset: 'devnet', params: { tasksPerRound: 0 } })
    const err = await fx.start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrackerConfigError)
    expect((err as TrackerConfigError).message).toContain(fx.configPath)
    expect((err as TrackerConfigError).key).toBe('params.tasksPerRound')
  })

  it('throws CONFIG_UNREADABLE for a missing file', async () => {
    fx = await fixture()
    const err = await fx.start({ configPath: `${fx.dir}/missing.json` }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrackerConfigError)
    expect((err as TrackerConfigError).code).toBe('CONFIG_UNREADABLE')
    expect((err as TrackerConfigError).message).toContain('missing.json')
    expect((err as TrackerConfigError).message).toContain('ENOENT')
  })
})

describe('the catalogue key', () => {
  const catalogue = {
    entries: [
      { cid: 'bafytrackertask0', minerId: 'f01000' },
      { cid: 'bafytrackertask1', minerId: 'f02000' },
    ],
  }
  const files = (byPath: Record<string, string>) => ({
    readFile: (p: string) => {
      const text = byPath[p]
      if (text === undefined) throw Object.assign(new Error(`no such file ${p}`), { code: 'ENOENT' })
      return new TextEncoder().encode(text)
    },
  })
  const parseWith = (config: unknown, byPath: Record<string, string>) =>
    parseTrackerConfig(JSON.stringify(config), '/etc/spark/tracker.json', files(byPath))

  it('reads the file beside the config and names its CID in the params, for now and for an announced change', async () => {
    const other = { entries: catalogue.entries.slice(1) }
    const config = parseWith(
      { preset: 'devnet', catalogue: 'catalogue.json', upcoming: { fromRound: 10, params: {}, catalogue: 'next/catalogue.json' } },
      { '/etc/spark/catalogue.json': JSON.stringify(catalogue), '/etc/spark/next/catalogue.json': JSON.stringify(other) },
    )
    const cid = (await catalogueCid(catalogue)).toString()
    expect(config.params.catalogueCid).toBe(cid)
    expect(config.catalogue?.cid).toBe(cid)
    expect(cidOfDagCbor(config.catalogue?.bytes as Uint8Array).toString()).toBe(cid)
    expect(config.upcoming?.params.catalogueCid).toBe((await catalogueCid(other)).toString())
    expect(config.paramsDigest).toBe(paramsDigest({ ...devnet, catalogueCid: cid }))
  })

  it('refuses a missing file, a file that is no catalogue, and a params.catalogueCid naming another, naming the file', () => {
    const fail = (config: unknown, byPath: Record<string, string>, key: string, pattern: RegExp) => {
      const err = (() => {
        try {
          parseWith(config, byPath)
        } catch (e) {
          return e as TrackerConfigError
        }
        throw new Error('parsed')
      })()
      expect([err.code, err.key]).toEqual(['CONFIG_INVALID', key])
      expect(err.message).toMatch(pattern)
    }
    fail({ preset: 'devnet', catalogue: 'gone.json' }, {}, 'catalogue', /names \/etc\/spark\/gone\.json, which cannot be read \(ENOENT\)/)
    fail({ preset: 'devnet', catalogue: 'c.json' }, { '/etc/spark/c.json': '{"entries": []}' }, 'catalogue', /is not a catalogue/)
    fail({ preset: 'devnet', catalogue: 42 }, {}, 'catalogue', /must be the path of a catalogue file/)
    fail(
      { preset: 'devnet', catalogue: 'c.json', params: { catalogueCid: 'bafyother' } },
      { '/etc/spark/c.json': JSON.stringify(catalogue) },
      'params.catalogueCid',
      /but the catalogue file's CID is bafy\w+: drop one/,
    )
  })
})
