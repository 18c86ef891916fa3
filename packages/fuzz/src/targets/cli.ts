import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CliError, CONFIG_INVALID, networkParams, resolveNodeConfig, runVerify } from '@spark-swarm/cli'
import * as fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { carBytes } from '../car-bytes.js'
import { jsonTextInputs } from '../inputs.js'
import { applyByteMutations, type ByteMutation, byteMutation } from '../mutate-bytes.js'
import { mutateRound, type RoundMutation, roundMutation } from '../round-mutation.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'

/* The CLI's own readers of files an operator hands it: the node config file and `verify`'s CAR. */

const CLI_CODES = ['CLI_BAD_INPUT', 'CLI_FAILURE']

const NODE_CONFIGS = [
  {
    network: 'devnet',
    dataDir: '/tmp/spark-swarm-fuzz',
    tracker: 'http://127.0.0.1:8080',
    catalogue: 'catalogue.json',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    inetGroup: '203.0.113.0/24',
    relayServer: 'on',
    relayClient: 'off',
    upnp: false,
    apiPort: 9090,
    logLevel: 'debug',
    params: { minCommitteeSize: 2 },
  },
  { network: 'mainnet', listen: '/ip4/127.0.0.1/tcp/7331,/ip6/::1/tcp/7331', apiPort: '0' },
]

/** The settings of the CLI's NodeConfig. */
const NODE_CONFIG_KEYS = [
  'dataDir',
  'network',
  'params',
  'tracker',
  'catalogue',
  'indexer',
  'rpc',
  'drand',
  'listen',
  'bootstrap',
  'inetGroup',
  'apiHost',
  'apiPort',
  'logLevel',
  'gateway',
  'amino',
  'relayServer',
  'relayClient',
  'upnp',
]

/** `resolveNodeConfig` + `networkParams`: `spark-swarm start --config node.json`. */
export async function cliConfigTarget(): Promise<FuzzTarget<string>> {
  const dir = await mkdtemp(join(tmpdir(), 'fuzz-cli-config-'))
  const path = join(dir, 'node.json')
  return {
    name: 'node config file (CLI)',
    arbitrary: jsonTextInputs(NODE_CONFIGS),
    run: async (text) => {
      await writeFile(path, text)
      const config = await resolveNodeConfig({}, {}, path)
      // unknown keys are an error naming the key, whatever the key is called; `sources` says where
      // each setting came from, so its keys must be settings too
      const { sources, ...settings } = config
      const unknown = [...Object.keys(settings), ...Object.keys(sources ?? {})].filter((k) => !NODE_CONFIG_KEYS.includes(k))
      invariant(unknown.length === 0, `accepted unknown settings ${unknown.join(', ').slice(0, 80)}`)
      networkParams(config)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, CliError),
    // a setting the file gets wrong is CONFIG_INVALID (exit 2), as docs/operators.md promises
    codes: [...CLI_CODES, CONFIG_INVALID],
    close: () => rm(dir, { recursive: true, force: true }),
  }
}

export interface CarFileInput {
  round: RoundMutation
  /** Mutations of the CAR file's bytes on top of the block-level change. */
  bytes: ByteMutation[]
}

/** `spark-swarm verify <car>`: a round export file, block-level and byte-level mutations. */
export async function cliVerifyTarget(): Promise<FuzzTarget<CarFileInput>> {
  const dir = await mkdtemp(join(tmpdir(), 'fuzz-cli-verify-'))
  const path = join(dir, 'round.car')
  return {
    name: 'round export CAR (CLI verify)',
    arbitrary: fc.record({ round: roundMutation, bytes: fc.array(byteMutation, { maxLength: 2 }) }),
    run: async (input) => {
      const { root, blocks } = mutateRound(input.round)
      const car = carBytes(
        [root],
        [...blocks].map(([cid, bytes]) => ({ cid: CID.parse(cid), bytes })),
      )
      await writeFile(path, applyByteMutations(car, input.bytes))
      const exit = await runVerify(path, { json: true }, () => {})
      return exit === 0 ? undefined : `EXIT_${exit}`
    },
    codeOf: (err) => codeWhenInstance(err, CliError),
    codes: [...CLI_CODES, 'EXIT_1'],
    close: () => rm(dir, { recursive: true, force: true }),
  }
}
