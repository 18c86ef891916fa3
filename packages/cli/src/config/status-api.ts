import { readCliEnv } from './env.js'
import { resolveNodeConfig } from './node-config.js'

const DEFAULT_API = 'http://127.0.0.1:9090'

/**
 * Where `spark-swarm status` asks: `--api`, else `SPARK_SWARM_API`, else the status API of the node
 * that `start --config <file>` runs (its apiHost/apiPort, with the same env over file precedence),
 * else the default. A node listening on every address (0.0.0.0, ::) is asked on loopback.
 */
export async function statusApiUrl(opts: { api?: string; config?: string }, envApi: string | undefined): Promise<string> {
  if (opts.api !== undefined) return opts.api
  if (envApi !== undefined) return envApi
  if (opts.config === undefined) return DEFAULT_API
  const { apiHost, apiPort } = await resolveNodeConfig({}, readCliEnv().nodeConfig, opts.config)
  const host = apiHost === '0.0.0.0' ? '127.0.0.1' : apiHost === '::' ? '::1' : apiHost
  return `http://${host.includes(':') ? `[${host}]` : host}:${apiPort}`
}
