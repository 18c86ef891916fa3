import type { ConnectionGater } from '@libp2p/interface'
import type { Catalogue, ProtocolParams } from '@spark-swarm/protocol'
import type { SavedBinding } from '../admission/binding-file.js'
import type { ChainEligibility } from '../admission/chain-eligibility.js'
import type { RetrievalCheckerInit } from '../retrieval/index.js'
import type { Clock } from './clock.js'
import type { ClockSource } from './health/clock-check.js'
import type { Logger } from './logger.js'
import type { NetworkSource } from './params-watch.js'
import type { AminoInit } from './peers/host.js'
import type { NatInit } from './peers/nat.js'
import type { VersionGate } from './version-gate.js'

export interface CheckerNodeInit {
  /** Identity key, database and blockstore live here; created with mode 0700. */
  dataDir: string
  params: ProtocolParams
  /** The task catalogue (its entries may name providers' peer ids). */
  catalogue: Catalogue
  /** IPNI indexer, e.g. https://cid.contact. */
  indexerUrl: string
  /** Lotus JSON-RPC, for providers the catalogue does not name, and (version 2) for participants' deposits. */
  rpcUrl?: string
  /**
   * Version 2 (spec §13): the station's binding to the participant it checks for
   * (`readBinding(dataDir, stationId)`, made by `spark-swarm bind`). Required on a version-2
   * network; must name this node's station.
   */
  binding?: SavedBinding
  /** Version 2: who is eligible, read from the chain; by default `createChainEligibility` over `rpcUrl`. */
  chainEligibility?: ChainEligibility
  /** drand HTTP API, for networks whose randomness is drand. */
  drandUrl?: string
  /** libp2p listen addresses; loopback on a free port by default. */
  listen?: string[]
  /** Multiaddrs (with /p2p/) of peers to join through. */
  bootstrap?: string[]
  /**
   * Also announce the blocks it anchors on the public IPFS DHT (Amino, `/ipfs/kad/1.0.0`), as a
   * client joined through `bootstrap` (multiaddrs with /p2p/). Off by default: the swarm's own DHT
   * only. See docs/node.md, "Amino DHT".
   */
  amino?: AminoInit
  /**
   * NAT traversal (docs/node.md, "Behind NAT"): relay for others, reserve a slot on a relay, UPnP.
   * Default: decided from `listen` by `resolveNat` (a public address relays, LAN-only reserves,
   * loopback neither; UPnP off). AutoNAT v2 and DCUtR always run.
   */
  nat?: NatInit
  /**
   * This node's network group (Spark's inet_group: its /24), self-reported. Set, it is used as it
   * is (the operator's override). Unset, the node learns it from the addresses its peers observe it
   * at (identify), adopted once peers in two networks agree, `unknown` until then (spec §5.5).
   */
  inetGroup?: string
  checkerVersion?: string
  /** Devnet on loopback: gossip and DHT settings for peers that all live on 127.0.0.1. */
  loopback?: boolean
  /** Retrieval-check limits and timeouts. */
  retrieval?: RetrievalCheckerInit
  /** Share of the round over which checks are spread (Spark: the whole round); default 0.5. */
  checkWindow?: number
  /** Rounds of measurements, tasks and attestations kept in the store; default 72 (a day of 20-minute rounds). */
  retainRounds?: number
  /** Most bytes `node.sqlite` may grow to; past it writes fail as on a full disk (STORE_DISK_FULL). Default: no limit. */
  storeMaxBytes?: number
  /** Retrieve over bitswap when a provider advertises no HTTP; default true (every node of a network must agree). */
  bitswap?: boolean
  /**
   * The network's version gate (the tracker): asked at start and at every round. `outdated` stops
   * all work while it lasts (the node stays up so an app can show it, and `version:accepted` resumes
   * it without a restart); an unreachable tracker only warns.
   */
  versionGate?: VersionGate
  /**
   * The network's clock (the tracker client is one): read at every round start; a local clock
   * more than a quarter round off sets the local fault CLOCK_OFF, and every result is withheld.
   */
  clockSource?: ClockSource
  /**
   * The network's params as its tracker serves them, asked at start and at every round: when the
   * params in force differ from `params` the node emits `params:changed` (once per difference) and
   * its status shows `params.mismatch`. The node goes on as it is; whoever runs it restarts it on the new
   * params. Without it the node never compares.
   */
  networkSource?: NetworkSource
  /** libp2p's connection gater: which peers and addresses may connect (e.g. an allow-list). */
  connectionGater?: ConnectionGater
  /** Below this many connected peers the node redials peers it knows; default 8. */
  minPeers?: number
  /** How long a peer scored below the graylist threshold is disconnected and refused; default 10 minutes. */
  banMs?: number
  clock?: Clock
  logger?: Logger
}
