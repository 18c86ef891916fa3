import { setMaxListeners } from 'node:events'
import {
  type Catalogue,
  CHECKER_VERSION,
  catalogueCid,
  type ProtocolParams,
  roundAt,
  validateCatalogue,
  validateParams,
} from '@spark-swarm/protocol'
import { checkBindingOf, type NodeAdmission, nodeAdmissionOf } from '../admission/node-admission.js'
import type { GossipMetrics } from '../gossip/index.js'
import type { NodeIdentity } from '../store/index.js'
import type { Convergence } from './anchor/convergence.js'
import { shareOwnCatalogue } from './anchor/share-own-catalogue.js'
import { type Clock, systemClock } from './clock.js'
import { composeParts, type NodeParts } from './compose.js'
import { type CheckerNodeEvents, TypedEventTarget } from './events.js'
import { InetGroupInForce } from './inet-group-in-force.js'
import { type Logger, silentLogger } from './logger.js'
import type { CheckerNodeInit } from './node-init.js'
import { closeOpenedNode, type OpenedNode, openNode } from './open.js'
import { createParamsWatch, type ParamsWatch } from './params-watch.js'
import type { Host } from './peers/host.js'
import { learnInetGroup } from './peers/inet-group-watch.js'
import { PeerBans } from './peers/peer-bans.js'
import { startPeerCare } from './peers/peer-care.js'
import { buildStatus } from './status/build-status.js'
import type { CheckerNodeStatus } from './status/status.js'
import { createVersionCheck, type VersionCheck } from './version-gate.js'

export { CHECKER_VERSION } from '@spark-swarm/protocol'
export type { CheckerNodeInit } from './node-init.js'
export type { NetworkSource } from './params-watch.js'
export type { VersionGate } from './version-gate.js'

/** A running checker node: what an app like Station embeds. */
export interface CheckerNode extends TypedEventTarget<CheckerNodeEvents> {
  readonly peerId: string
  readonly stationId: string
  start(): Promise<void>
  stop(): Promise<void>
  status(): CheckerNodeStatus
  multiaddrs(): string[]
  /**
   * Puts a catalogue's block into the running node's blockstore and provides it on the DHT, so
   * peers can fetch it over bitswap (spec §1.3): the one an announced params change names, fetched
   * before its round. The node's own catalogue is shared at start already. Resolves its CID.
   */
  shareCatalogue(catalogue: Catalogue): Promise<string>
  /** The underlying libp2p host and helia (for diagnostics and tests). */
  readonly host: Host | undefined
}

/**
 * Builds a checker node: its identity, store, libp2p host with gossip and DHT, helia blockstore,
 * the retrieval checker and the round loop. Nothing runs until `start()`; `stop()` leaves nothing
 * running. No globals, no process.exit, no console output: events and the injected logger.
 */
export function createCheckerNode(init: CheckerNodeInit): CheckerNode {
  return new SwarmCheckerNode(init)
}

/** A started node: its resources, its parts, and the signal that ends their work. */
interface Running extends OpenedNode, NodeParts {
  controller: AbortController
}

/**
 * The composition root: opens the resources (open.ts), wires the parts (compose.ts), starts the
 * round loop and peer care, and stops them in reverse. What outlives a stop (identity, the version
 * verdict, anchored rounds and gossip counters for status) stays on the node.
 */
class SwarmCheckerNode extends TypedEventTarget<CheckerNodeEvents> implements CheckerNode {
  readonly #init: CheckerNodeInit
  readonly #params: ProtocolParams
  readonly #catalogue: Catalogue
  readonly #log: Logger
  readonly #clock: Clock
  readonly #bans: PeerBans
  readonly #versionCheck: VersionCheck
  readonly #paramsWatch: ParamsWatch
  readonly #admission: NodeAdmission | undefined
  /** Kept across stop and start: a restart does not forget what the peers observed. */
  readonly #inetGroup: InetGroupInForce
  #identity: NodeIdentity | undefined
  #convergence: Convergence | undefined
  #gossipMetrics: GossipMetrics | undefined
  #running: Running | undefined
  #starting: { controller: AbortController; done: Promise<void> } | undefined
  #peerCare: { readonly upgraded: number } | undefined

  constructor(init: CheckerNodeInit) {
    super()
    this.#init = init
    this.#params = validateParams(init.params)
    // a version-2 node without its binding or its chain would check for nobody: refused before anything opens
    this.#admission = nodeAdmissionOf(this.#params, init)
    this.#catalogue = validateCatalogue(init.catalogue)
    this.#log = init.logger ?? silentLogger
    this.#clock = init.clock ?? systemClock
    this.#inetGroup = new InetGroupInForce(init.inetGroup)
    this.#bans = new PeerBans(init.banMs !== undefined ? { banMs: init.banMs } : {})
    this.#versionCheck = createVersionCheck(
      { events: this },
      { ...(init.versionGate ? { gate: init.versionGate } : {}), checkerVersion: this.#checkerVersion },
    )
    this.#paramsWatch = createParamsWatch(
      { events: this },
      { params: this.#params, ...(init.networkSource ? { source: init.networkSource } : {}) },
    )
    // apps pass these around unbound (`process.once('SIGTERM', node.stop)`), as the closures they were
    this.start = this.start.bind(this)
    this.stop = this.stop.bind(this)
    this.status = this.status.bind(this)
    this.multiaddrs = this.multiaddrs.bind(this)
  }

  get peerId(): string {
    return this.#identity?.peerId ?? ''
  }

  get stationId(): string {
    return this.#identity?.stationKey.stationId ?? ''
  }

  get host(): Host | undefined {
    return this.#running?.host
  }

  get #checkerVersion(): string {
    return this.#init.checkerVersion ?? CHECKER_VERSION
  }

  multiaddrs(): string[] {
    return this.#running?.host.libp2p.getMultiaddrs().map((ma) => ma.toString()) ?? []
  }

  start(): Promise<void> {
    if (this.#running) return Promise.resolve()
    if (!this.#starting) {
      const controller = new AbortController()
      const done = this.#start(controller).finally(() => {
        this.#starting = undefined
      })
      this.#starting = { controller, done }
    }
    return this.#starting.done
  }

  async #start(controller: AbortController): Promise<void> {
    const init = this.#init
    // every scheduled check and fetch listens on it: many listeners are expected, not a leak
    setMaxListeners(Number.POSITIVE_INFINITY, controller.signal)
    const shared = { params: this.#params, catalogue: this.#catalogue, clock: this.#clock, log: this.#log }
    const admission = this.#admission
    const participant = admission?.binding.binding.participant
    const opened = await openNode(
      { ...init, ...(participant ? { participant } : {}) },
      { ...shared, gater: this.#bans.gater(init.connectionGater) },
    )
    this.#identity = opened.identity
    // stop() came while the data dir and host were being opened
    if (controller.signal.aborted) return closeOpenedNode(opened)
    if (this.#inetGroup.source !== 'configured') learnInetGroup(opened.host, this.#inetGroup, this, controller.signal)
    let parts: NodeParts
    try {
      // the binding names a station key: only now, with the key loaded, can it be checked
      if (admission) checkBindingOf(admission, opened.identity.stationKey.stationId)
      parts = composeParts(
        opened,
        {
          ...shared,
          events: this,
          versionCheck: this.#networkCheck(),
          signal: controller.signal,
          ...(init.clockSource ? { clockSource: init.clockSource } : {}),
          ...(admission ? { admission } : {}),
        },
        {
          inetGroup: () => this.#inetGroup.group,
          checkerVersion: this.#checkerVersion,
          checkWindow: init.checkWindow ?? 0.5,
          retainRounds: init.retainRounds ?? 72,
          indexerUrl: init.indexerUrl,
        },
      )
    } catch (err) {
      // nothing may stay open behind a start that failed: stop() would not know of it
      controller.abort()
      await closeOpenedNode(opened).catch(() => {})
      throw err
    }
    this.#convergence = parts.convergence
    this.#gossipMetrics = parts.gossipMetrics
    this.#running = { ...opened, ...parts, controller }
    try {
      await shareOwnCatalogue(parts.anchoring, this, controller.signal)
      await this.#networkCheck().check()
      // stop() came while the tracker was asked: it closes what runs once this returns; nothing may start
      if (controller.signal.aborted) return
      parts.loop.start()
      this.#peerCare = startPeerCare(opened.host.libp2p, {
        bans: this.#bans,
        signal: controller.signal,
        minPeers: init.minPeers ?? 8,
        roundDurationMs: this.#params.roundDurationMs,
        log: this.#log,
      })
    } catch (err) {
      // a node that could not start runs nothing: no timers, no sockets, the data dir free again
      // (not this.stop(): it waits for this very start)
      await this.#closeRunning().catch(() => {})
      throw err
    }
    this.emit('activity', { level: 'info', message: `checker node ${opened.identity.peerId} started` })
  }

  /**
   * What the round loop asks at every round start: the version gate and, alongside it, whether the
   * network's params in force are still this node's.
   */
  #networkCheck(): VersionCheck {
    const versionCheck = this.#versionCheck
    return {
      get outdated() {
        return versionCheck.outdated
      },
      mayWork: () => versionCheck.mayWork(),
      check: async () => {
        await Promise.all([versionCheck.check(), this.#paramsWatch.check(roundAt(this.#params, this.#clock.now()))])
      },
    }
  }

  async stop(): Promise<void> {
    // a start under way is cut short, and what it opened is closed below or by the start itself
    if (this.#starting) {
      this.#starting.controller.abort()
      await this.#starting.done.catch(() => {})
    }
    await this.#closeRunning()
  }

  /** Stops the parts, then closes what they ran on (the data dir's lock last). */
  async #closeRunning(): Promise<void> {
    const running = this.#running
    if (!running) return
    running.controller.abort()
    await running.loop.stop()
    // catch-ups may still have queued a re-anchoring: it ends (aborted) before the blockstore closes
    await running.chain.stop()
    // aborted provides unwind while their connections are still open (see Anchoring.stop)
    await running.anchoring.stop()
    await closeOpenedNode(running)
    this.#running = undefined
  }

  async shareCatalogue(catalogue: Catalogue): Promise<string> {
    const running = this.#running
    if (!running) throw new Error('the node is not running: start it before sharing a catalogue')
    const checked = validateCatalogue(catalogue)
    const cid = await catalogueCid(checked)
    await running.anchoring.shareCatalogue({ catalogue: checked, catalogueCid: cid })
    return cid.toString()
  }

  status(): CheckerNodeStatus {
    const running = this.#running
    return buildStatus({
      params: this.#params,
      now: this.#clock.now(),
      peerId: this.peerId,
      stationId: this.stationId,
      checkerVersion: this.#checkerVersion,
      inetGroup: this.#inetGroup.group,
      inetGroupSource: this.#inetGroup.source,
      multiaddrs: this.multiaddrs(),
      outdated: this.#versionCheck.outdated,
      bannedPeers: this.#bans.size,
      ...(running ? { running: { store: running.store, ownChecks: running.ownChecks, peers: running.host.libp2p.getPeers().length } } : {}),
      ...(this.#convergence ? { convergence: this.#convergence } : {}),
      ...(this.#gossipMetrics ? { gossipMetrics: this.#gossipMetrics } : {}),
      ...(running ? { localFaults: running.health.faults.list() } : {}),
      paramsStatus: this.#paramsWatch.status(),
      ...(running?.own ? { admission: running.own.status() } : {}),
      ...(running ? { nat: { relaying: running.host.relayReservations(), upgraded: this.#peerCare?.upgraded ?? 0 } } : {}),
    })
  }
}
