import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CHECKER_VERSION,
  createCheckerNode,
  createTrackerClient,
  instrumentNode,
  startStatusServer,
  type VersionGate,
} from '@spark-swarm/node'
import { type Catalogue, type ProtocolParams, validateCatalogue, validateParams } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'
import { type NodeConfig, networkParams, resolveNodeConfig } from '../config/node-config.js'
import { createLogger } from '../logger.js'
import { readJsonFile } from '../read-json.js'

interface NetworkSetup {
  params: ProtocolParams
  bootstrap: string[]
  gate?: VersionGate
}

/**
 * The network to join: from the tracker when one is configured (cached in the data dir, so a node
 * keeps working on the params it had when the tracker is down), else from the preset and overrides.
 */
async function networkSetup(config: NodeConfig, warn: (message: string) => void): Promise<NetworkSetup> {
  if (!config.tracker) return { params: networkParams(config), bootstrap: config.bootstrap }
  const tracker = createTrackerClient({ url: config.tracker, checkerVersion: CHECKER_VERSION })
  const cache = join(config.dataDir, 'network.json')
  try {
    const info = await tracker.network()
    await writeFile(cache, JSON.stringify(info, null, 2), { mode: 0o600 })
    return { params: info.params, bootstrap: [...config.bootstrap, ...info.bootstrap], gate: tracker }
  } catch (err) {
    let cached: { params: ProtocolParams; bootstrap: string[] }
    try {
      cached = JSON.parse(await readFile(cache, 'utf8'))
    } catch {
      throw new CliError(
        `the tracker ${config.tracker} cannot be reached (${(err as Error).message}) and no network params are cached in ${cache}`,
        EXIT.failure,
      )
    }
    warn(`the tracker ${config.tracker} cannot be reached (${(err as Error).message}): working on the params cached in ${cache}`)
    return { params: validateParams(cached.params), bootstrap: [...config.bootstrap, ...cached.bootstrap], gate: tracker }
  }
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
  const config = await resolveNodeConfig(flags, process.env, configPath)
  const log = createLogger(config.logLevel)
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
  const network = await networkSetup(config, (message) => log.warn(message))
  if (!config.catalogue)
    throw new CliError('no task catalogue: pass --catalogue <file> (JSON {"entries": [{"cid", "minerId", "providerId"?}]})')
  let catalogue: Catalogue
  try {
    catalogue = validateCatalogue((await readJsonFile(config.catalogue, 'catalogue')) as Catalogue)
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(`catalogue ${config.catalogue}: ${(err as Error).message}`)
  }
  const node = createCheckerNode({
    dataDir: config.dataDir,
    params: network.params,
    catalogue,
    indexerUrl: config.indexer,
    ...(config.rpc ? { rpcUrl: config.rpc } : {}),
    ...(config.drand ? { drandUrl: config.drand } : {}),
    listen: config.listen,
    bootstrap: network.bootstrap,
    inetGroup: config.inetGroup,
    loopback: config.listen.every((a) => a.startsWith('/ip4/127.') || a.startsWith('/ip6/::1/')),
    ...(network.gate ? { versionGate: network.gate } : {}),
    logger: log,
  })
  node.addEventListener('activity', (e) => log[e.detail.level](e.detail.message))
  node.addEventListener('outdated', (e) => log.error(e.detail.message, { minCheckerVersion: e.detail.minCheckerVersion }))
  await node.start()
  const metrics = instrumentNode(node)
  const server = await startStatusServer({ node, registry: metrics.registry, host: config.apiHost, port: config.apiPort })
  write(`spark-swarm ${CHECKER_VERSION} node ${node.peerId} on ${network.params.network}`)
  write(`  station id ${node.stationId}`)
  write(`  listening  ${node.multiaddrs().join(' ')}`)
  write(`  status     ${server.url}/  (metrics ${server.url}/metrics)`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  write('stopping…')
  await server.stop()
  metrics.stop()
  await node.stop()
  write('stopped')
}
