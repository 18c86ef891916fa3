import type { NatSwitch } from '@spark-swarm/node'
import type { ProtocolParams } from '@spark-swarm/protocol'
import type { LogLevel } from '../log-levels.js'

/** Everything `spark-swarm start` needs; where each comes from is resolved by `resolveNodeConfig`. */
export interface NodeConfig {
  dataDir: string
  network: string
  params: Partial<ProtocolParams>
  tracker?: string
  catalogue?: string
  indexer: string
  rpc?: string
  drand?: string
  listen: string[]
  bootstrap: string[]
  /**
   * Amino (public IPFS DHT) peers to join through; the node then provides what it anchors there too.
   * Empty: off. Unset: the network's default (on for mainnet, off for devnets: known-networks.ts).
   */
  amino?: string[]
  /** The operator's override of the inet group; unset, the node learns it from its peers (spec §5.5). */
  inetGroup?: string
  /** Relay for peers that cannot be dialled: `auto` (when the node has a public address), `on`, `off`. */
  relayServer: NatSwitch
  /** Reserve a slot on a relay to be reachable: `auto` (unless it has a public address or the swarm is all on loopback), `on`, `off`. */
  relayClient: NatSwitch
  /** Ask the home router for a port mapping (UPnP IGD); default off. */
  upnp: boolean
  apiHost: string
  apiPort: number
  /** `/ipfs/{cid}` on the status API: the node's blocks as a read-only trustless gateway; default on. */
  gateway: boolean
  logLevel: LogLevel
  /** Where each setting that is not the default came from (a flag, a variable, the file), for messages. */
  sources?: Partial<Record<keyof NodeConfig, string>>
}
