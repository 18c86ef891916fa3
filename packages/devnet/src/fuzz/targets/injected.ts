import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { carBytes } from '../car-bytes.js'
import { jsonTextInputs } from '../inputs.js'
import { applyByteMutations, type ByteMutation, byteMutation } from '../mutate-bytes.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'
import { mutateRound, type RoundMutation, roundMutation } from './summary.js'

/*
 * Targets in packages that depend on this one (the simulator's scenario file, the CLI's config
 * file and `verify`): the caller passes their functions in, so that devnet need not depend on them.
 */

type ErrorClass = abstract new (...args: never[]) => Error

/** What the scenario target needs of @spark-swarm/sim. */
export interface SimParts {
  parseScenarioFile(text: string, filename: string): unknown
  ScenarioError: ErrorClass
}

const SCENARIOS = [
  {
    name: 'committees under always-fail liars',
    seed: 'spark swarm research 1',
    nodes: 600,
    tasksPerRound: 100,
    maxTasksPerNode: 15,
    minCommitteeSize: 30,
    rounds: 20,
    providers: [
      { minerId: 'f01000', successRate: 1 },
      { minerId: 'f01003', successRate: 0.2, failureMix: { TIMEOUT: 1, HTTP_502: 1 } },
      { minerId: 'f01004', successRate: 0.9, kind: 'region-blocked', blockedGroups: ['10.0.'] },
    ],
    adversaries: [
      { kind: 'always-fail', share: 0.01 },
      { kind: 'grinding', share: 0.02, targetMinerId: 'f01000', identitiesPerRound: 10 },
      { kind: 'lazy', share: 0.1, skipShare: 0.3 },
    ],
    churn: 0.02,
    messageLoss: 0.01,
  },
  {
    seed: 1,
    nodes: 10,
    tasksPerRound: 5,
    maxTasksPerNode: 2,
    minCommitteeSize: 1,
    rounds: 1,
    providers: [{ minerId: 'f01', successRate: 0.5 }],
  },
]

/** `parseScenarioFile`: `spark-swarm sim --scenario scenario.json`. */
export function scenarioTarget(sim: SimParts): FuzzTarget<string> {
  return {
    name: 'sim scenario file',
    arbitrary: jsonTextInputs(SCENARIOS),
    run(text) {
      sim.parseScenarioFile(text, 'scenario.json')
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, sim.ScenarioError),
    codes: ['SCENARIO_INVALID'],
  }
}

/** What the CLI targets need of @spark-swarm/cli. */
export interface CliParts {
  resolveNodeConfig(flags: Record<string, unknown>, env: Record<string, string | undefined>, configPath?: string): Promise<unknown>
  networkParams(config: never): unknown
  runVerify(path: string, opts: { json?: boolean }, write: (line: string) => void): Promise<number>
  CliError: ErrorClass
}

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
    apiPort: 9090,
    logLevel: 'debug',
    params: { minCommitteeSize: 2 },
  },
  { network: 'mainnet', listen: '/ip4/127.0.0.1/tcp/7331,/ip6/::1/tcp/7331', apiPort: '0' },
]

/** The settings of NodeConfig (packages/cli/src/config/node-config.ts). */
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
]

/** `resolveNodeConfig` + `networkParams`: `spark-swarm start --config node.json`. */
export async function cliConfigTarget(cli: CliParts): Promise<FuzzTarget<string>> {
  const dir = await mkdtemp(join(tmpdir(), 'fuzz-cli-config-'))
  const path = join(dir, 'node.json')
  return {
    name: 'node config file (CLI)',
    arbitrary: jsonTextInputs(NODE_CONFIGS),
    run: async (text) => {
      await writeFile(path, text)
      const config = (await cli.resolveNodeConfig({}, {}, path)) as Record<string, unknown>
      // unknown keys are an error naming the key, whatever the key is called
      const unknown = Object.keys(config).filter((k) => !NODE_CONFIG_KEYS.includes(k))
      invariant(unknown.length === 0, `accepted unknown settings ${unknown.join(', ').slice(0, 80)}`)
      cli.networkParams(config as never)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, cli.CliError),
    codes: CLI_CODES,
    close: () => rm(dir, { recursive: true, force: true }),
  }
}

export interface CarFileInput {
  round: RoundMutation
  /** Mutations of the CAR file's bytes on top of the block-level change. */
  bytes: ByteMutation[]
}

/** `spark-swarm verify <car>`: a round export file, block-level and byte-level mutations. */
export async function cliVerifyTarget(cli: CliParts): Promise<FuzzTarget<CarFileInput>> {
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
      const exit = await cli.runVerify(path, { json: true }, () => {})
      return exit === 0 ? undefined : `EXIT_${exit}`
    },
    codeOf: (err) => codeWhenInstance(err, cli.CliError),
    codes: [...CLI_CODES, 'EXIT_1'],
    close: () => rm(dir, { recursive: true, force: true }),
  }
}
