/**
 * The CLI's parts that other workspace packages call: the fuzz harness (@spark-swarm/fuzz) feeds
 * the node config file and `spark-swarm verify` random inputs through the same functions the
 * commands use. The command line itself is `bin.js`; embedders want @spark-swarm/node instead.
 */
export { CliError, CONFIG_INVALID, EXIT } from './cli-error.js'
export { runVerify } from './commands/export-verify.js'
export { type NodeConfig, networkParams, resolveNodeConfig } from './config/node-config.js'
export { NODE_FLAGS } from './node-flags.js'
