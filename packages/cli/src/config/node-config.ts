import { homedir } from 'node:os'
import { join } from 'node:path'
import { NAT_SWITCHES, type NatSwitch } from '@spark-swarm/node'
import { getPreset, type ProtocolParams, validateParams } from '@spark-swarm/protocol'
import { CliError, CONFIG_INVALID, EXIT } from '../cli-error.js'
import { LOG_LEVELS, type LogLevel } from '../log-levels.js'
import { readJsonFile } from '../read-json.js'
import { ENV_KEYS } from './env.js'
import { defaultTracker, knownNetworkSource } from './known-networks.js'
import type { NodeConfig } from './node-config-types.js'

export type { NodeConfig } from './node-config-types.js'

const DEFAULTS: NodeConfig = {
  dataDir: join(homedir(), '.spark-swarm'),
  network: 'mainnet',
  params: {},
  indexer: 'https://cid.contact',
  rpc: 'https://api.node.glif.io/rpc/v1',
  drand: 'https://api.drand.sh',
  // loopback unless the operator opens it (`--listen /ip4/0.0.0.0/tcp/7331`): nothing is exposed by default
  listen: ['/ip4/127.0.0.1/tcp/7331'],
  bootstrap: [],
  relayServer: 'auto',
  relayClient: 'auto',
  upnp: false,
  apiHost: '127.0.0.1',
  apiPort: 9090,
  gateway: true,
  logLevel: 'info',
}

/**
 * Settings with no default: unset means something of its own (the network's tracker; the tracker's
 * catalogue; a learned inet group; the network's Amino default).
 */
const OPTIONAL_KEYS = ['tracker', 'catalogue', 'inetGroup', 'amino']

const LIST_KEYS = new Set<keyof NodeConfig>(['listen', 'bootstrap', 'amino'])

/** A setting that is wrong: exit 2, with the code docs/operators.md lists. */
function fail(source: string, key: string, message: string): never {
  throw new CliError(`${source}: ${key} ${message}`, EXIT.usage, CONFIG_INVALID)
}

/** Checks one value's type and shape; the message names where it came from and what to do. */
function coerce(source: string, key: keyof NodeConfig, value: unknown): unknown {
  // Amino off, on a network where it is on by default: an empty list
  if (key === 'amino' && (value === false || value === 'false' || value === 'off' || value === 'none')) return []
  if (LIST_KEYS.has(key)) {
    if (typeof value === 'string')
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(source, key, 'must be a list of multiaddrs')
    return value
  }
  if (key === 'apiPort') {
    // numbers and strings only: Number() of a deeply nested list recurses until the stack overflows
    const scalar = typeof value === 'number' || typeof value === 'string'
    const n = scalar ? Number(value) : Number.NaN
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      fail(
        source,
        key,
        `must be a port number, got ${scalar ? JSON.stringify(value).slice(0, 40) : `a ${Array.isArray(value) ? 'list' : typeof value}`}`,
      )
    }
    return n
  }
  if (key === 'gateway' || key === 'upnp') {
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === 'on' || value === '1') return true
    if (value === 'false' || value === 'off' || value === '0') return false
    fail(source, key, 'must be true or false (on/off, 1/0)')
  }
  if (key === 'relayServer' || key === 'relayClient') {
    if (!NAT_SWITCHES.includes(value as NatSwitch)) fail(source, key, `must be one of ${NAT_SWITCHES.join(', ')}`)
    return value
  }
  if (key === 'tracker') {
    // "no tracker", even on a network that has a default one: the preset and the file's params rule
    if (value === false || value === 'false' || value === 'off' || value === 'none') return false
    if (typeof value !== 'string' || value === '') fail(source, key, 'must be a tracker URL, or false for none')
    return value
  }
  if (key === 'logLevel') {
    if (!LOG_LEVELS.includes(value as LogLevel)) fail(source, key, `must be one of ${LOG_LEVELS.join(', ')}`)
    return value
  }
  if (key === 'params') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(source, key, 'must be an object of protocol parameters')
    return value
  }
  if (typeof value !== 'string' || value === '') fail(source, key, 'must be a non-empty string')
  return value
}

/**
 * The node's configuration with the usual precedence: command-line flags over environment variables
 * over the config file over defaults. Unknown keys in the file are an error naming the key.
 */
export async function resolveNodeConfig(
  flags: Partial<Record<keyof NodeConfig, unknown>>,
  env: NodeJS.ProcessEnv,
  configPath?: string,
): Promise<NodeConfig> {
  const config: Record<string, unknown> = { ...DEFAULTS }
  const sources: Record<string, string> = {}
  if (configPath) {
    const file = (await readJsonFile(configPath, 'config file').catch((err) => {
      // unreadable stays a failure to run (1); not JSON is a bad config (2)
      throw err instanceof CliError && err.exitCode === EXIT.usage ? new CliError(err.message, EXIT.usage, CONFIG_INVALID) : err
    })) as Record<string, unknown>
    if (typeof file !== 'object' || file === null || Array.isArray(file)) fail(configPath, 'the file', 'must hold a JSON object')
    for (const [key, value] of Object.entries(file)) {
      // own keys only: `in` would take "toString" or "constructor" for settings
      if (!Object.hasOwn(DEFAULTS, key) && !OPTIONAL_KEYS.includes(key)) {
        fail(configPath, JSON.stringify(key), `is not a setting (known: ${Object.keys(DEFAULTS).concat(OPTIONAL_KEYS).join(', ')})`)
      }
      config[key] = coerce(configPath, key as keyof NodeConfig, value)
      sources[key] = configPath
    }
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    if (env[name] !== undefined && env[name] !== '') {
      config[key] = coerce(`environment ${name}`, key, env[name])
      sources[key] = `environment ${name}`
    }
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    config[key] = coerce(flag, key as keyof NodeConfig, value)
    sources[key] = flag
  }
  withDefaultTracker(config, sources)
  return { ...config, sources } as unknown as NodeConfig
}

/**
 * A known public network's tracker when none is configured (known-networks.ts); `false` (from
 * `--no-tracker`, `"tracker": false`, `SPARK_SWARM_TRACKER=none`) leaves the node without one.
 */
function withDefaultTracker(config: Record<string, unknown>, sources: Record<string, string>): void {
  if (config.tracker === false) {
    delete config.tracker
    return
  }
  if (config.tracker !== undefined) return
  const tracker = defaultTracker(config.network as string)
  if (tracker === undefined) return
  config.tracker = tracker
  sources.tracker = knownNetworkSource(config.network as string)
}

/** True when the tracker is the network's default, not one the operator named. */
export function isDefaultTracker(config: NodeConfig): boolean {
  return config.tracker !== undefined && config.sources?.tracker === knownNetworkSource(config.network)
}

/** True when every multiaddr is on loopback (127.0.0.0/8 or ::1): none, or all of them. */
export function isLoopbackOnly(multiaddrs: readonly string[]): boolean {
  return multiaddrs.every((a) => /^\/ip4\/127\./.test(a) || /^\/ip6\/::1\//.test(a))
}

/**
 * The settings a tracker overrides: with `--tracker` the node takes the tracker's params, so a
 * `network` or `params` set anywhere is not used. One line naming them and where they came from.
 */
export function ignoredWithTracker(config: NodeConfig): string | undefined {
  if (!config.tracker) return undefined
  // the network named its own default tracker: it is not ignored, it chose the tracker
  const keys = isDefaultTracker(config) ? (['params'] as const) : (['network', 'params'] as const)
  const ignored = keys.filter((key) => config.sources?.[key] !== undefined)
  if (ignored.length === 0) return undefined
  const named = ignored.map((key) => `${key} (from ${config.sources?.[key]})`).join(' and ')
  if (isDefaultTracker(config)) {
    return `${named} ignored: the node runs on the params of ${config.network}'s tracker ${config.tracker}; pass --no-tracker to use them`
  }
  return `${named} ignored: with --tracker the node runs on the tracker's params; leave ${ignored.join('/')} out, or drop --tracker to use them`
}

/** The protocol params of the configured network: its preset with the configured overrides, validated. */
export function networkParams(config: NodeConfig): ProtocolParams {
  try {
    return validateParams({ ...getPreset(config.network), ...config.params })
  } catch (err) {
    throw new CliError(`network "${config.network}": ${(err as Error).message}`, EXIT.usage, CONFIG_INVALID)
  }
}
