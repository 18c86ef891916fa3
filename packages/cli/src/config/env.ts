import type { NodeConfig } from './node-config-types.js'

/*
 * Every environment variable the CLI honours, read in this one module. Only the CLI reads the
 * environment: the packages below it take options (STYLE.md, "Layers"). docs/operators.md lists
 * the same variables; a new one goes here, in that table and in the flag's help text.
 */

/**
 * `spark-swarm start`: each variable sets one setting of the node's config, `SPARK_SWARM_<KEY>` in
 * upper snake case. Flags win over these, these over the config file (`resolveNodeConfig`).
 */
export const ENV_KEYS: Record<string, keyof NodeConfig> = {
  SPARK_SWARM_DATA_DIR: 'dataDir',
  SPARK_SWARM_NETWORK: 'network',
  SPARK_SWARM_TRACKER: 'tracker',
  SPARK_SWARM_CATALOGUE: 'catalogue',
  SPARK_SWARM_INDEXER_URL: 'indexer',
  SPARK_SWARM_RPC_URL: 'rpc',
  SPARK_SWARM_DRAND_URL: 'drand',
  SPARK_SWARM_LISTEN: 'listen',
  SPARK_SWARM_BOOTSTRAP: 'bootstrap',
  SPARK_SWARM_AMINO: 'amino',
  SPARK_SWARM_INET_GROUP: 'inetGroup',
  SPARK_SWARM_RELAY_SERVER: 'relayServer',
  SPARK_SWARM_RELAY_CLIENT: 'relayClient',
  SPARK_SWARM_UPNP: 'upnp',
  SPARK_SWARM_API_HOST: 'apiHost',
  SPARK_SWARM_API_PORT: 'apiPort',
  SPARK_SWARM_GATEWAY: 'gateway',
  SPARK_SWARM_LOG_LEVEL: 'logLevel',
}

/**
 * The variables the other commands take as the default of one flag each. Unlike `start`, these keep
 * an empty value as it is (the flag's default is the variable when it is set at all).
 */
export interface CommandEnv {
  /** `SPARK_SWARM_DATA_DIR`: `keygen --data-dir`, `export --data-dir`. */
  dataDir?: string
  /** `SPARK_SWARM_INDEXER_URL`: `check --indexer`. */
  indexerUrl?: string
  /** `SPARK_SWARM_RPC_URL`: `check --rpc`, `verify --rpc`, `catalogue build --rpc`. */
  rpcUrl?: string
  /** `SPARK_SWARM_RPC_TOKEN`: `check --rpc-token`, `verify --rpc-token`, `catalogue build --rpc-token`. */
  rpcToken?: string
  /** `SPARK_SWARM_API`: `status --api`. */
  api?: string
}

/** What the CLI takes from the environment, read once when the command tree is built. */
export interface CliEnv extends CommandEnv {
  /** The variables of `ENV_KEYS`, by name, for `resolveNodeConfig`. */
  nodeConfig: Record<string, string | undefined>
}

/** Reads every variable the CLI honours from `env` (the process's environment by default). */
export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const nodeConfig: Record<string, string | undefined> = {}
  for (const name of Object.keys(ENV_KEYS)) nodeConfig[name] = env[name]
  return {
    dataDir: env.SPARK_SWARM_DATA_DIR,
    indexerUrl: env.SPARK_SWARM_INDEXER_URL,
    rpcUrl: env.SPARK_SWARM_RPC_URL,
    rpcToken: env.SPARK_SWARM_RPC_TOKEN,
    api: env.SPARK_SWARM_API,
    nodeConfig,
  }
}
