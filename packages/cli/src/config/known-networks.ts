/*
 * The public networks the CLI knows by name, and what a node of one uses when the operator says
 * nothing else. The protocol's presets (packages/protocol) are the rules of a network; this table
 * is where its infrastructure lives, so it is the CLI's: a preset stays pure data with no address.
 */

export interface KnownNetwork {
  /**
   * The network's tracker, used when no `--tracker` is given. The public tracker does not run yet:
   * this is the address it will have (docs/operators.md).
   */
  tracker?: string
}

export const KNOWN_NETWORKS: Readonly<Record<string, KnownNetwork>> = {
  mainnet: { tracker: 'https://tracker.spark-swarm.org' },
}

/** The default tracker of `network`; none for devnets and for networks this table does not name. */
export function defaultTracker(network: string): string | undefined {
  return Object.hasOwn(KNOWN_NETWORKS, network) ? KNOWN_NETWORKS[network]?.tracker : undefined
}

/** How `sources` names a setting that came from the table, for messages. */
export function knownNetworkSource(network: string): string {
  return `the default of network ${network}`
}
