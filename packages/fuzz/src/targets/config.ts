import {
  type Catalogue,
  devnet,
  encodeCatalogue,
  mainnet,
  ProtocolError,
  type ProtocolParams,
  paramsDigest,
  sparkCompat,
  validateCatalogue,
  validateParams,
} from '@spark-swarm/protocol'
import { parseTrackerConfig, TrackerConfigError } from '@spark-swarm/tracker'
import { jsonTextInputs, jsonValueInputs } from '../inputs.js'
import { roundFixture } from '../round-fixture.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'

const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v))
const isSafeUint = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0

/** What spec §1 promises of params that validate: every field of its type, nothing else. */
function checkParams(p: ProtocolParams): void {
  invariant(typeof p.network === 'string' && typeof p.minCheckerVersion === 'string', 'accepted a non-string network or minCheckerVersion')
  for (const k of [
    'protocolVersion',
    'genesisTime',
    'roundDurationMs',
    'tasksPerRound',
    'maxTasksPerNode',
    'minCommitteeSize',
    'committeeShards',
    'gracePeriodMs',
  ] as const) {
    invariant(isSafeUint(p[k]), `accepted params.${k} = ${String(p[k]).slice(0, 40)}`)
  }
  invariant(p.catalogueCid === null || typeof p.catalogueCid === 'string', 'accepted a catalogueCid that is neither a string nor null')
  const r = p.randomness as unknown as Record<string, unknown>
  const keys = r.type === 'local' ? ['type', 'genesisSeed'] : ['type', 'chainHash', 'publicKey', 'genesisTime', 'period']
  for (const k of keys.slice(1)) {
    const expected = k === 'genesisTime' || k === 'period' ? 'number' : 'string'
    invariant(typeof r[k] === expected, `accepted params.randomness.${k} of type ${typeof r[k]}`)
  }
  // like an unknown top-level key, an unknown randomness key would change the digest: a silent fork
  invariant(
    Object.keys(r).every((k) => keys.includes(k)),
    `accepted params.randomness with keys ${Object.keys(r).join(', ').slice(0, 80)}`,
  )
  paramsDigest(p)
}

/** `validateParams`: the params a tracker serves, a config file holds, or a round export names. */
export function paramsTarget(): FuzzTarget<unknown> {
  return {
    name: 'protocol params',
    arbitrary: jsonValueInputs([plain(devnet), plain(mainnet), plain(sparkCompat)]),
    run(value) {
      checkParams(validateParams(value as ProtocolParams))
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, ProtocolError),
    codes: ['PARAMS_INVALID'],
  }
}

/** `validateCatalogue`: the `--catalogue` file and the catalogue block of a round export. */
export function catalogueTarget(): FuzzTarget<unknown> {
  const { catalogue } = roundFixture()
  const withPeers: Catalogue = { entries: catalogue.entries.map((e, i) => (i % 2 ? { ...e, providerId: `12D3KooWpeer${i}` } : e)) }
  return {
    name: 'task catalogue',
    arbitrary: jsonValueInputs([plain(catalogue), plain(withPeers)]),
    run(value) {
      // what the network publishes: validated entries always encode to one block
      encodeCatalogue(validateCatalogue(value as Catalogue))
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, ProtocolError),
    codes: ['CATALOGUE_INVALID'],
  }
}

const PEER = '/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

const noFiles = (path: string): never => {
  throw Object.assign(new Error(`the fuzzer reads no file (${path})`), { code: 'EACCES' })
}

/** `parseTrackerConfig`: the tracker's JSON config file, read at start and on every change. */
export function trackerConfigTarget(): FuzzTarget<string> {
  const valid = [
    { preset: 'devnet', bootstrap: [PEER], minCheckerVersion: '1.2.0' },
    { preset: 'mainnet', params: { roundDurationMs: 600_000, catalogueCid: 'bafyfuzzcatalogue' }, bootstrap: [] },
    { preset: 'spark-compat' },
    // an announced change of the params (spec §1.3)
    { preset: 'devnet', upcoming: { fromRound: 1200, params: { tasksPerRound: 24, minCheckerVersion: '0.2.0' } } },
  ]
  return {
    name: 'tracker config',
    arbitrary: jsonTextInputs(valid),
    run(text) {
      // a `catalogue` key names a file: the fuzzer reads none (CONFIG_INVALID says it cannot be read)
      const config = parseTrackerConfig(text, 'tracker.json', { readFile: noFiles })
      checkParams(config.params)
      if (config.upcoming) checkParams(config.upcoming.params)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, TrackerConfigError),
    codes: ['CONFIG_INVALID'],
  }
}
