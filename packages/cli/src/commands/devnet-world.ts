import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEMO_PROVIDERS, loadWorldState, type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { catalogueCid, devnet, type ProtocolParams, paramsDigest, validateParams } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'
import { worldLines } from './devnet-world-lines.js'

export interface WorldOptions {
  roundSeconds: number
  /** Keeps the world's seed, blockstores and the files it writes; a temporary dir (deleted on stop) when omitted. */
  dataDir?: string
  /** Where the catalogue goes; `<dataDir>/catalogue.json` by default. */
  catalogueOut?: string
  json?: boolean
}

/**
 * Everything a `spark-swarm start` node in another process needs to attach to this world; printed
 * as one JSON object by `devnet --nodes 0 --json`. Field names are what scripts read: keep them.
 */
export interface WorldDescription {
  dataDir: string
  /** False for a temporary data dir: the providers' peer ids and the catalogue change on every run. */
  persistent: boolean
  /** IPNI indexer (`start --indexer`). */
  indexerUrl: string
  /** Lotus JSON-RPC (`start --rpc`). */
  rpcUrl: string
  catalogue: { path: string; cid: string; entries: number }
  providers: Array<{ minerId: string; peerId: string; httpUrl: string; httpMultiaddr: string; libp2p: string[]; profile: unknown }>
  params: {
    preset: 'devnet'
    /** Overrides of the preset, as a tracker config's `params` (and a node config's `params`) hold them. */
    overrides: Partial<ProtocolParams>
    digest: string
    /** `spark-swarm tracker --config <this>` serves these params. */
    trackerConfig: string
    /** `spark-swarm start --config <this>` runs a node on them without a tracker. */
    nodeConfig: string
  }
  /** This command starts no tracker: run `spark-swarm tracker --config <params.trackerConfig>`. */
  tracker: null
}

/** `spark-swarm devnet --nodes 0`: the fake providers, IPNI and Lotus on loopback, described for nodes in other processes. */
export async function runOutsideWorld(opts: WorldOptions, write: (line: string) => void, waitForStop: () => Promise<void>) {
  const dataDir = opts.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'spark-swarm-world-')) : resolve(opts.dataDir)
  const state = await loadWorldState(dataDir).catch((err: Error) => {
    throw new CliError(`devnet data dir ${dataDir}: ${err.message}`, EXIT.failure)
  })
  const world = await startOutsideWorld({
    seed: state.seed,
    providers: DEMO_PROVIDERS,
    blocksPerProvider: 2,
    stableIdentities: true,
    dataDir,
  })
  try {
    const description = await describeWorld(world, {
      ...opts,
      dataDir,
      persistent: opts.dataDir !== undefined,
      genesisTime: state.genesisTime,
    })
    if (opts.json) {
      write(JSON.stringify(description))
    } else {
      for (const line of worldLines(description, opts.roundSeconds)) write(line)
      write('Ctrl-C stops it.')
    }
    await waitForStop()
  } finally {
    await world.stop()
    if (opts.dataDir === undefined) await rm(dataDir, { recursive: true, force: true })
  }
}

/** Writes the catalogue, tracker config and node config for `world`, and says where everything is. */
async function describeWorld(
  world: OutsideWorld,
  opts: WorldOptions & { dataDir: string; persistent: boolean; genesisTime: number },
): Promise<WorldDescription> {
  const cid = (await catalogueCid(world.catalogue)).toString()
  const cataloguePath = resolve(opts.catalogueOut ?? join(opts.dataDir, 'catalogue.json'))
  const roundDurationMs = opts.roundSeconds * 1000
  const overrides: Partial<ProtocolParams> = {
    genesisTime: opts.genesisTime,
    roundDurationMs,
    gracePeriodMs: Math.min(2000, roundDurationMs / 4),
    tasksPerRound: world.catalogue.entries.length,
    maxTasksPerNode: 4,
    minCommitteeSize: 3,
    // nodes refuse any other catalogue, so a stale catalogue file is an error, not a quiet fork
    catalogueCid: cid,
  }
  let digest: string
  try {
    digest = paramsDigest(validateParams({ ...devnet, ...overrides }))
  } catch (err) {
    throw new CliError(`--round-seconds ${opts.roundSeconds}: ${(err as Error).message}`)
  }
  const trackerConfig = join(opts.dataDir, 'tracker.json')
  const nodeConfig = join(opts.dataDir, 'node.json')
  await writeOut(cataloguePath, world.catalogue, '--catalogue-out')
  // the tracker serves the catalogue, so that a node needs only its URL (and the outside world's)
  await writeOut(trackerConfig, { preset: 'devnet', params: overrides, catalogue: resolve(cataloguePath) }, '--data-dir')
  await writeOut(
    nodeConfig,
    { network: 'devnet', params: overrides, catalogue: cataloguePath, indexer: world.ipniUrl, rpc: world.rpcUrl },
    '--data-dir',
  )
  return {
    dataDir: opts.dataDir,
    persistent: opts.persistent,
    indexerUrl: world.ipniUrl,
    rpcUrl: world.rpcUrl,
    catalogue: { path: cataloguePath, cid, entries: world.catalogue.entries.length },
    providers: world.providers.map((p) => ({
      minerId: p.minerId,
      peerId: p.peerId,
      httpUrl: p.gatewayUrl,
      httpMultiaddr: p.httpMultiaddr,
      libp2p: p.libp2pMultiaddrs,
      profile: p.profile,
    })),
    params: { preset: 'devnet', overrides, digest, trackerConfig, nodeConfig },
    tracker: null,
  }
}

async function writeOut(path: string, value: unknown, flag: string): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`)
  } catch (err) {
    throw new CliError(
      `cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check ${flag}`,
      EXIT.failure,
    )
  }
}
