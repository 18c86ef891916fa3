import {
  CHECKER_VERSION,
  claimDataDirNetwork,
  createCheckerNode,
  createTrackerClient,
  instrumentNode,
  joinNetwork,
  ListenError,
  listenReach,
  prepareDataDir,
  resolveNat,
  StoreError,
  startStatusServer,
  TrackerError,
  type VersionGate,
  writeNetworkCache,
} from '@spark-swarm/node'
import type { Catalogue, ProtocolParams } from '@spark-swarm/protocol'
import { aloneWarning } from '../alone-warning.js'
import { CliError, EXIT } from '../cli-error.js'
import { readCliEnv } from '../config/env.js'
import { aminoPeers } from '../config/known-networks.js'
import {
  ignoredWithTracker,
  isDefaultTracker,
  isLoopbackOnly,
  type NodeConfig,
  networkParams,
  resolveNodeConfig,
} from '../config/node-config.js'
import { createLogger } from '../logger.js'
import { inetGroupLine, logNodeProgress } from '../node-log.js'
import { withAnnouncedCatalogue } from './start-announced.js'
import { startBinding } from './start-binding.js'
import { catalogueSource } from './start-catalogue.js'
import { followParams, type NodeRun } from './start-follow.js'

interface NetworkSetup {
  params: ProtocolParams
  bootstrap: string[]
  gate?: VersionGate
}

/**
 * The network to join: from the tracker when one is configured (cached in the data dir, so a node
 * starts and keeps working on the params it had when the tracker is down), else from the preset
 * and overrides.
 */
async function networkSetup(
  config: NodeConfig,
  tracker: ReturnType<typeof trackerClient> | undefined,
  warn: (message: string) => void,
): Promise<NetworkSetup> {
  if (!config.tracker || !tracker) return { params: networkParams(config), bootstrap: config.bootstrap }
  let network: Awaited<ReturnType<typeof joinNetwork>>
  try {
    network = await joinNetwork({ tracker, trackerUrl: config.tracker, dataDir: config.dataDir })
  } catch (err) {
    if (err instanceof TrackerError && err.code === 'NETWORK_PARAMS_UNAVAILABLE') {
      // the default tracker was not asked for: say where it came from, and how to run without it
      const here = isDefaultTracker(config)
        ? `the default tracker of network ${config.network}; pass --tracker <url>, or --no-tracker to run on the ${config.network} preset`
        : 'here: leave out --tracker and pick --network'
      throw new CliError(`${err.message} (${here}) [${err.code}]`, EXIT.failure)
    }
    throw operatorError(err)
  }
  if (network.trackerError) {
    const since = new Date(network.savedAt).toISOString()
    warn(`${network.trackerError.message}: starting on the network params it gave at ${since}, cached in ${network.cachePath}`)
  }
  return { params: network.params, bootstrap: [...config.bootstrap, ...network.bootstrap], gate: tracker }
}

/** The tracker's client; a tracker URL it cannot use (`127.0.0.1:8080`, no scheme) is a config error, exit 2. */
function trackerClient(url: string) {
  try {
    return createTrackerClient({ url, checkerVersion: CHECKER_VERSION })
  } catch (err) {
    if (!(err instanceof TrackerError)) throw err
    const example = url.includes('://') ? '' : `, e.g. http://${url}`
    throw new CliError(
      `${err.message}: set --tracker (SPARK_SWARM_TRACKER, or tracker in the config file) to an http: or https: URL${example} [${err.code}]`,
      EXIT.usage,
      err.code,
    )
  }
}

/**
 * The node's coded errors (a data dir read-only or in use, a port in use, a full disk, a broken
 * cache) as a one-line message and exit code 1.
 */
function operatorError(err: unknown): unknown {
  if (err instanceof StoreError || err instanceof TrackerError || err instanceof ListenError) {
    return new CliError(`${err.message} [${err.code}]`, EXIT.failure, err.code)
  }
  return err
}

/**
 * `spark-swarm start`: the checker node as a daemon. Configuration: flags over env over config
 * file over defaults. Structured logs on stderr; a status page, /metrics, /healthz and /api/status
 * on 127.0.0.1. SIGINT/SIGTERM stop it cleanly (everything it holds is already on disk).
 */
export async function runStart(
  flags: Partial<Record<keyof NodeConfig, unknown>>,
  configPath: string | undefined,
  write: (line: string) => void,
) {
  const config = await resolveNodeConfig(flags, readCliEnv().nodeConfig, configPath)
  const log = createLogger(config.logLevel)
  await prepareDataDir(config.dataDir).catch((err) => {
    throw operatorError(err)
  })
  // a tracker URL it cannot use fails first, alone, before any warning about what it overrides
  const tracker = config.tracker ? trackerClient(config.tracker) : undefined
  const ignored = ignoredWithTracker(config)
  if (ignored) log.warn(ignored)
  const network = await networkSetup(config, tracker, (message) => log.warn(message))
  // one data dir, one network: another network's rounds would mix with this one's
  await claimDataDirNetwork(config.dataDir, network.params).catch((err) => {
    throw operatorError(err)
  })
  const catalogues = catalogueSource(config.catalogue, config.dataDir, tracker, {
    info: (message, fields) => log.info(message, fields),
    operatorError,
    peers: network.bootstrap,
  })
  const launch = async (params: ProtocolParams, addresses: { listen: string[]; apiPort: number }) => {
    // a params change may name a new catalogue: fetched (and checked) before the node restarts on it
    const catalogue = await catalogues.for(params)
    return launchNode(config, { params, catalogue, catalogues, bootstrap: network.bootstrap, gate: network.gate, tracker, addresses }, log)
  }
  const first = await launch(network.params, { listen: config.listen, apiPort: config.apiPort })
  // before any line that says the node runs: whoever reads `status …` may signal at once, and a
  // SIGTERM that came before the handler would kill the process with no clean stop
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  const { node } = first
  write(`spark-swarm ${CHECKER_VERSION} node ${node.peerId} on ${network.params.network}`)
  write(`  station id ${node.stationId}`)
  write(`  listening  ${node.multiaddrs().join(' ')}`)
  const amino = aminoPeers(config.amino, network.params.network)
  if (amino.length > 0) {
    write(`  amino      summaries provided on the public IPFS DHT too, joined through ${amino.length} peers (--no-amino: off)`)
  }
  write(`  inet group ${inetGroupLine(config.inetGroup, config.sources?.inetGroup)}`)
  const alone = aloneWarning(config.tracker, network.bootstrap)
  if (alone) {
    log.warn(alone, { code: 'NO_PEERS' })
    write(`  WARNING    ${alone}`)
  }
  // the status URL ends in `/`
  write(`  status     ${first.statusUrl}  (metrics ${first.statusUrl}metrics)`)
  await followParams(first, {
    // a restart on params that changed: cached first, so that a node restarted while the tracker
    // is down starts on the params it followed, not on the ones it joined with
    launch: async (params, addresses) => {
      if (config.tracker) {
        await writeNetworkCache(config.dataDir, {
          tracker: config.tracker,
          savedAt: Date.now(),
          params,
          bootstrap: network.bootstrap,
        }).catch((err) => {
          throw operatorError(err)
        })
      }
      return launch(params, addresses)
    },
    dataDir: config.dataDir,
    stopRequested,
    write,
    warn: (message, fields) => log.warn(message, fields),
  }).catch((err) => {
    throw operatorError(err)
  })
  write('stopped')
}

interface LaunchSetup {
  params: ProtocolParams
  catalogue: Catalogue
  /** Where an announced change's catalogue is fetched ahead of its round. */
  catalogues: Pick<ReturnType<typeof catalogueSource>, 'prefetch'>
  bootstrap: string[]
  gate: VersionGate | undefined
  tracker: ReturnType<typeof trackerClient> | undefined
  addresses: { listen: string[]; apiPort: number }
}

/**
 * Starts the node with its metrics and status server. A part that fails to start stops what
 * started before it: a node that cannot serve its status does not run unseen.
 */
async function launchNode(config: NodeConfig, setup: LaunchSetup, log: ReturnType<typeof createLogger>): Promise<NodeRun> {
  const { params, tracker } = setup
  const amino = aminoPeers(config.amino, params.network)
  const binding = await startBinding(config.dataDir, params).catch((err: unknown) => {
    throw operatorError(err)
  })
  const loopback = isLoopbackOnly(config.listen) && isLoopbackOnly(setup.bootstrap) && isLoopbackOnly(amino)
  const node = createCheckerNode({
    dataDir: config.dataDir,
    params,
    catalogue: setup.catalogue,
    indexerUrl: config.indexer,
    ...(config.rpc ? { rpcUrl: config.rpc } : {}),
    ...(binding ? { binding } : {}),
    ...(config.drand ? { drandUrl: config.drand } : {}),
    listen: setup.addresses.listen,
    bootstrap: setup.bootstrap,
    ...(amino.length > 0 ? { amino: { bootstrap: amino } } : {}),
    // unset: the node learns it from its peers' observations (spec §5.5)
    ...(config.inetGroup !== undefined ? { inetGroup: config.inetGroup } : {}),
    // devnet gossip settings only for a swarm that is all on this host, not for a node that listens
    // on loopback (the default) and dials out to a real network's bootstrap peers
    loopback,
    nat: resolveNat(config, listenReach(setup.addresses.listen), loopback),
    ...(setup.gate ? { versionGate: setup.gate } : {}),
    // the tracker's Date header is the clock this node is checked against (CLOCK_OFF)
    ...(tracker ? { clockSource: tracker } : {}),
    // and it says which params are in force each round, so the node knows when to follow a change
    // (and fetches, then shares, the catalogue an announced change names)
    ...(tracker
      ? {
          networkSource: withAnnouncedCatalogue(tracker, {
            prefetch: (next) => setup.catalogues.prefetch(next),
            share: (catalogue) => node.shareCatalogue(catalogue),
            info: (message, fields) => log.info(message, fields),
            warn: (message, fields) => log.warn(message, fields),
          }),
        }
      : {}),
    logger: log,
  })
  node.addEventListener('activity', (e) => log[e.detail.level](e.detail.message, e.detail.code ? { code: e.detail.code } : undefined))
  // `outdated` and `version:accepted` come with an activity line of the same message: logged there, once
  logNodeProgress(node, log)
  await node.start().catch((err) => {
    throw operatorError(err)
  })
  const metrics = instrumentNode(node)
  const server = await startStatusServer({
    node,
    registry: metrics.registry,
    host: config.apiHost,
    port: setup.addresses.apiPort,
    ...(config.gateway ? {} : { gateway: false }),
  }).catch(async (err: unknown) => {
    metrics.stop()
    await node.stop()
    throw operatorError(err)
  })
  let stopping: Promise<void> | undefined
  return {
    node,
    params,
    statusUrl: server.url,
    stop: () => {
      stopping ??= (async () => {
        await server.stop()
        metrics.stop()
        await node.stop()
      })()
      return stopping
    },
  }
}
