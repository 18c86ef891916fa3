import type { Catalogue, CatalogueEntry, ProtocolParams } from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import type { RetrievalChecker } from '../retrieval/index.js'
import type { NodeIdentity, NodeStore } from '../store/index.js'
import type { Clock } from './clock.js'
import type { CheckerNodeEvents, TypedEventTarget } from './events.js'
import type { Logger } from './logger.js'
import type { Host } from './peers/host.js'
import type { Rounds } from './round/rounds.js'

/** What the parts of a running node share; built once by `createCheckerNode`. */
export interface NodeContext {
  params: ProtocolParams
  catalogue: Catalogue
  /** The catalogue's CID: the summaries link it, exports carry it. */
  catalogueCid: CID
  /** Catalogue entries by task id, to hand the checker the provider's peer id when known. */
  entries: Map<string, CatalogueEntry>
  identity: NodeIdentity
  inetGroup: string
  checkerVersion: string
  store: NodeStore
  host: Host
  checker: RetrievalChecker
  rounds: Rounds
  clock: Clock
  log: Logger
  events: TypedEventTarget<CheckerNodeEvents>
  /** Aborted by `stop()`: every loop and check ends with it. */
  signal: AbortSignal
  /**
   * Work the node does not wait for (DHT provides), which `stop()` lets unwind after aborting
   * `signal` and before closing the host: libp2p throws from an event listener when a query
   * aborts its stream on a connection that is already closing.
   */
  background: Set<Promise<unknown>>
}
