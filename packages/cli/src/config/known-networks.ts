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
  /** Amino (public IPFS DHT) peers a node joins through when the operator says nothing: on for a public network. */
  amino?: readonly string[]
}

/**
 * The IPFS bootstrap peers (the list kubo and helia ship) that a TCP-only node can dial: the
 * `/dnsaddr/bootstrap.libp2p.io` ones resolve to TCP addresses, and mars answers on plain TCP.
 */
export const IPFS_BOOTSTRAP_PEERS: readonly string[] = [
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ',
]

export const KNOWN_NETWORKS: Readonly<Record<string, KnownNetwork>> = {
  mainnet: { tracker: 'https://tracker.spark-swarm.org', amino: IPFS_BOOTSTRAP_PEERS },
}

/** The default tracker of `network`; none for devnets and for networks this table does not name. */
export function defaultTracker(network: string): string | undefined {
  return Object.hasOwn(KNOWN_NETWORKS, network) ? KNOWN_NETWORKS[network]?.tracker : undefined
}

/**
 * The Amino peers a node of `network` joins through: the ones configured (none: off), else the
 * network's default. Asked with the network the node runs on, the tracker's when it has one: a
 * devnet's tracker makes a devnet node, whatever `--network` said.
 */
export function aminoPeers(configured: readonly string[] | undefined, network: string): string[] {
  if (configured !== undefined) return [...configured]
  return Object.hasOwn(KNOWN_NETWORKS, network) ? [...(KNOWN_NETWORKS[network]?.amino ?? [])] : []
}

/** How `sources` names a setting that came from the table, for messages. */
export function knownNetworkSource(network: string): string {
  return `the default of network ${network}`
}
