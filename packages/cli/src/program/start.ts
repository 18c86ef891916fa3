import { collect, LOG_LEVEL_HELP, logLevel, nonNegativeInteger } from './options.js'
import { stdoutLine } from './output.js'
import type { RegisterCommand } from './register.js'

/**
 * `spark-swarm start`: the checker node. Its settings are read by `resolveNodeConfig` (flags over
 * env over file over defaults), so the flags here have no commander defaults.
 */
export const registerStart: RegisterCommand = (program) => {
  program
    .command('start')
    .description('run a checker node (the daemon) until SIGINT/SIGTERM')
    .option('--config <file>', 'JSON config file (any of the settings below, camelCase)')
    .option('--data-dir <dir>', 'identity key, store and blocks (env SPARK_SWARM_DATA_DIR; default ~/.spark-swarm)')
    .option('--network <name>', 'preset: mainnet, devnet, spark-compat (env SPARK_SWARM_NETWORK)')
    .option(
      '--tracker <url>',
      "the network's tracker: params, bootstrap list, version gate; its params are cached in the data dir and used while it is down (env SPARK_SWARM_TRACKER; default: mainnet's public tracker on mainnet, none on devnets)",
    )
    .option('--no-tracker', "no tracker, even on mainnet: the preset and the config file's params (env SPARK_SWARM_TRACKER=none)")
    .option(
      '--catalogue <file>',
      'the task catalogue, JSON {"entries": […]} (env SPARK_SWARM_CATALOGUE); default: the one the tracker serves, checked against the params\' catalogueCid',
    )
    .option('--indexer <url>', 'IPNI indexer (env SPARK_SWARM_INDEXER_URL)')
    .option('--rpc <url>', 'Filecoin Lotus JSON-RPC (env SPARK_SWARM_RPC_URL)')
    .option('--drand <url>', 'drand HTTP API (env SPARK_SWARM_DRAND_URL)')
    .option(
      '--listen <multiaddr>',
      'libp2p listen address (repeatable; env SPARK_SWARM_LISTEN, comma-separated; default /ip4/127.0.0.1/tcp/7331: ' +
        'pass /ip4/0.0.0.0/tcp/7331 to accept peers from other hosts)',
      collect,
    )
    .option('--bootstrap <multiaddr>', 'peer to join through (repeatable; env SPARK_SWARM_BOOTSTRAP)', collect)
    .option(
      '--amino <multiaddr>',
      'also provide anchored summaries on the public IPFS DHT (Amino), joined through this peer (repeatable; env SPARK_SWARM_AMINO; default: on for mainnet through the IPFS bootstrap peers, off for devnets)',
      collect,
    )
    .option('--no-amino', 'no Amino, even on mainnet (env SPARK_SWARM_AMINO=false)')
    .option(
      '--relay-server <mode>',
      'relay (circuit relay v2, with limits) for peers that cannot be dialled: auto (when this node has a public address), on, off (env SPARK_SWARM_RELAY_SERVER)',
    )
    .option(
      '--relay-client <mode>',
      'reserve a slot on a relay so that peers reach this node behind NAT: auto (unless it has a public address or the swarm is all on loopback), on, off (env SPARK_SWARM_RELAY_CLIENT)',
    )
    .option('--upnp', 'ask the home router to forward the listen port (UPnP, NAT-PMP); default off (env SPARK_SWARM_UPNP)')
    .option(
      '--inet-group <group>',
      "this node's network, e.g. 203.0.113.0/24 (env SPARK_SWARM_INET_GROUP); default: learned from the addresses peers observe it at",
    )
    .option('--api-host <host>', 'status API address (default 127.0.0.1)')
    .option('--api-port <port>', 'status API port (default 9090)', nonNegativeInteger)
    .option('--no-gateway', 'do not serve the /ipfs/{cid} trustless gateway on the status API (env SPARK_SWARM_GATEWAY=false)')
    .option('--log-level <level>', LOG_LEVEL_HELP, logLevel)
    .addHelpText(
      'after',
      `
Precedence: flags, then environment variables, then the config file, then defaults.

Examples:
  $ spark-swarm start --tracker https://tracker.example
  $ spark-swarm start --network devnet --catalogue catalogue.json --inet-group 10.0.1.0/24
  $ spark-swarm start --bootstrap /ip4/203.0.113.7/tcp/7331/p2p/12D3KooW… --catalogue catalogue.json
  $ SPARK_SWARM_DATA_DIR=/var/lib/spark-swarm spark-swarm start --config /etc/spark-swarm.json

Logs are JSON lines on stderr. Status page, /metrics, /healthz, /api/status and /ipfs/{cid} on http://127.0.0.1:9090.
Everything binds to 127.0.0.1 unless --listen or --api-host say otherwise.`,
    )
    .action(async (opts) => {
      // commander makes --no-gateway's absence a `true`: only its presence is a flag, so env and file still count
      const { config, gateway, ...flags } = opts
      const { runStart } = await import('../commands/start.js')
      await runStart(gateway === false ? { ...flags, gateway } : flags, config, stdoutLine)
    })
}
