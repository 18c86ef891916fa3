import { setMaxListeners } from 'node:events'
import { join } from 'node:path'
import type { ConnectionGater } from '@libp2p/interface'
import {
  type Catalogue,
  type CatalogueEntry,
  CHECKER_VERSION,
  catalogueCid,
  cidText,
  type ProtocolParams,
  parseTaskId,
  taskId,
  validateCatalogue,
  validateParams,
} from '@spark-swarm/protocol'
import { createBitswapFetcher } from '../bitswap/fetcher.js'
import type { GossipMetrics } from '../gossip/index.js'
import { installGossip } from '../gossip/install.js'
import { createRetrievalChecker, createRpcMinerResolver, createStaticMinerResolver, type RetrievalCheckerInit } from '../retrieval/index.js'
import { loadOrCreateIdentity, openNodeStore, prepareDataDir } from '../store/index.js'
import { anchorRound } from './anchor.js'
import { type Clock, systemClock } from './clock.js'
import type { NodeContext } from './context.js'
import { type Convergence, createConvergence } from './convergence.js'
import { type CheckerNodeEvents, TypedEventTarget } from './events.js'
import { createHost } from './host.js'
import { type Logger, silentLogger } from './logger.js'
import { PeerBans } from './peer-bans.js'
import { startPeerCare } from './peer-care.js'
import { createRandomnessSource } from './randomness.js'
import { startRoundLoop } from './round-loop.js'
import { Rounds } from './rounds.js'
import { type CheckerNodeStatus, roundStatus, roundTimes, STATUS_ROUNDS } from './status.js'

export { CHECKER_VERSION } from '@spark-swarm/protocol'

export interface CheckerNodeInit {
  /** Identity key, database and blockstore live here; created with mode 0700. */
  dataDir: string
  params: ProtocolParams
  /** The task catalogue (its entries may name providers' peer ids). */
  catalogue: Catalogue
  /** IPNI indexer, e.g. https://cid.contact. */
  indexerUrl: string
  /** Lotus JSON-RPC, for providers the catalogue does not name. */
  rpcUrl?: string
  /** drand HTTP API, for networks whose randomness is drand. */
  drandUrl?: string
  /** libp2p listen addresses; loopback on a free port by default. */
  listen?: string[]
  /** Multiaddrs (with /p2p/) of peers to join through. */
  bootstrap?: string[]
  /** This node's network group (Spark's inet_group: its /24 or IPv6 prefix), self-reported. */
  inetGroup: string
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
   * all work for good (the node stays up so an app can show it); an unreachable tracker only warns.
   */
  versionGate?: VersionGate
  /** libp2p's connection gater: which peers and addresses may connect (e.g. an allow-list). */
  connectionGater?: ConnectionGater
  /** Below this many connected peers the node redials peers it knows; default 8. */
  minPeers?: number
  /** How long a peer scored below the graylist threshold is disconnected and refused; default 10 minutes. */
  banMs?: number
  clock?: Clock
  logger?: Logger
}

/** What the node needs of a tracker: its verdict on this checker's version. */
export interface VersionGate {
  gate(): Promise<{ outdated: true; minCheckerVersion?: string } | { outdated: false; minCheckerVersion?: string }>
}

/** A running checker node: what an app like Station embeds. */
export interface CheckerNode extends TypedEventTarget<CheckerNodeEvents> {
  readonly peerId: string
  readonly stationId: string
  start(): Promise<void>
  stop(): Promise<void>
  status(): CheckerNodeStatus
  multiaddrs(): string[]
  /** The underlying libp2p host and helia (for diagnostics and tests). */
  readonly host: NodeContext['host'] | undefined
}

/**
 * Builds a checker node: its identity, store, libp2p host with gossip and DHT, helia blockstore,
 * the retrieval checker and the round loop. Nothing runs until `start()`; `stop()` leaves nothing
 * running. No globals, no process.exit, no console output: events and the injected logger.
 */
export function createCheckerNode(init: CheckerNodeInit): CheckerNode {
  const params = validateParams(init.params)
  const catalogue = validateCatalogue(init.catalogue)
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const log = init.logger ?? silentLogger
  const clock = init.clock ?? systemClock
  let ctx: NodeContext | undefined
  let controller: AbortController | undefined
  let loop: ReturnType<typeof startRoundLoop> | undefined
  let stopBitswap: (() => Promise<void>) | undefined
  let identity: Awaited<ReturnType<typeof loadOrCreateIdentity>> | undefined
  let gossipMetrics: GossipMetrics | undefined
  const bans = new PeerBans(init.banMs !== undefined ? { banMs: init.banMs } : {})
  let convergence: Convergence | undefined
  let outdated = false

  // getters are defined, not assigned: Object.assign would read them once, now
  Object.defineProperties(events, {
    peerId: { get: () => identity?.peerId ?? '', enumerable: true },
    stationId: { get: () => identity?.stationKey.stationId ?? '', enumerable: true },
    host: { get: () => ctx?.host, enumerable: true },
  })
  const node = Object.assign(events as typeof events & Pick<CheckerNode, 'peerId' | 'stationId' | 'host'>, {
    multiaddrs: () => ctx?.host.libp2p.getMultiaddrs().map((ma) => ma.toString()) ?? [],
    async start() {
      if (ctx) return
      controller = new AbortController()
      // every scheduled check and fetch listens on it: many listeners are expected, not a leak
      setMaxListeners(Number.POSITIVE_INFINITY, controller.signal)
      const ownCatalogueCid = await catalogueCid(catalogue)
      // a node with another catalogue would derive other tasks and be rejected by every peer
      if (params.catalogueCid !== null && params.catalogueCid !== ownCatalogueCid.toString()) {
        throw new Error(
          `the catalogue given has CID ${ownCatalogueCid}, but the network's params name ${params.catalogueCid}: use the network's catalogue`,
        )
      }
      // a read-only or misplaced data dir fails here, naming it, before anything is opened
      await prepareDataDir(init.dataDir)
      identity = await loadOrCreateIdentity(init.dataDir, { warn: (message) => log.warn(message) })
      const store = openNodeStore({
        path: join(init.dataDir, 'node.sqlite'),
        now: () => clock.now(),
        ...(init.storeMaxBytes !== undefined ? { maxBytes: init.storeMaxBytes } : {}),
      })
      const host = await createHost({
        dataDir: init.dataDir,
        privateKey: identity.privateKey,
        params,
        listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: init.bootstrap ?? [],
        loopback: init.loopback ?? false,
        connectionGater: bans.gater(init.connectionGater),
      })
      const named = catalogue.entries.filter((e): e is CatalogueEntry & { providerId: string } => typeof e.providerId === 'string')
      const minerResolver =
        init.rpcUrl !== undefined && named.length < catalogue.entries.length
          ? createRpcMinerResolver({ rpcUrl: init.rpcUrl })
          : createStaticMinerResolver(named.map((e) => ({ minerId: e.minerId, providerId: e.providerId })))
      const bitswap = init.bitswap === false ? undefined : await createBitswapFetcher()
      stopBitswap = bitswap ? () => bitswap.stop() : undefined
      const checker = createRetrievalChecker(init.retrieval ?? {}, {
        minerResolver,
        indexerUrl: init.indexerUrl,
        clock: () => clock.now(),
        ...(bitswap ? { bitswap } : {}),
      })
      const rounds = new Rounds(
        params,
        catalogue,
        createRandomnessSource(params, init.drandUrl ? { drandUrl: init.drandUrl } : {}),
        identity.stationKey.stationId,
      )
      ctx = {
        params,
        catalogue,
        catalogueCid: ownCatalogueCid,
        entries: new Map(catalogue.entries.map((e) => [taskId(e), e])),
        identity,
        inetGroup: init.inetGroup,
        checkerVersion: init.checkerVersion ?? CHECKER_VERSION,
        store,
        host,
        checker,
        rounds,
        clock,
        log,
        events,
        signal: controller.signal,
        background: new Set(),
      }
      const c = ctx
      convergence = createConvergence(c, async (round) => {
        const outcome = await anchorRound(c, round)
        return outcome
      })
      gossipMetrics = installGossip(c, {
        measurement({ measurement: m, cid, bytes }) {
          const shard = c.rounds.known(m.round)?.shards.get(taskId(m.task))
          if (shard === undefined) return
          c.store.putMeasurement({
            cid: cidText(cid),
            round: m.round,
            taskId: taskId(m.task),
            stationId: m.stationId,
            shard,
            bytes,
            origin: 'peer',
          })
        },
        attestation({ attestation }) {
          convergence?.received(attestation)
        },
      })
      const checkGate = async () => {
        if (!init.versionGate || outdated) return
        try {
          const verdict = await init.versionGate.gate()
          if (verdict.outdated && !outdated) {
            outdated = true
            const minimum = verdict.minCheckerVersion ? ` to ${verdict.minCheckerVersion} or later` : ''
            const message = `this checker (${c.checkerVersion}) is outdated: update${minimum}. It does no more work until then.`
            events.emit('activity', { level: 'error', message })
            events.emit('outdated', {
              checkerVersion: c.checkerVersion,
              ...(verdict.minCheckerVersion ? { minCheckerVersion: verdict.minCheckerVersion } : {}),
              message,
            })
          }
        } catch (err) {
          events.emit('activity', {
            level: 'warn',
            message: `the tracker cannot be reached, working on the params we have: ${(err as Error).message}`,
          })
        }
      }
      await checkGate()
      loop = startRoundLoop(
        c,
        {
          anchorRound: async (round) => convergence?.anchored(await anchorRound(c, round)),
          mayWork: () => !outdated,
          beforeRound: checkGate,
        },
        {
          checkWindow: init.checkWindow ?? 0.5,
          tickMs: Math.min(1_000, Math.max(50, params.roundDurationMs / 20)),
          retainRounds: init.retainRounds ?? 72,
        },
      )
      startPeerCare(host.libp2p, {
        bans,
        signal: controller.signal,
        minPeers: init.minPeers ?? 8,
        roundDurationMs: params.roundDurationMs,
        log,
      })
      events.emit('activity', { level: 'info', message: `checker node ${identity.peerId} started` })
    },
    async stop() {
      if (!ctx) return
      controller?.abort()
      await loop?.done
      // aborted provides unwind while their connections are still open (see NodeContext.background)
      await Promise.race([Promise.allSettled(ctx.background), new Promise((r) => setTimeout(r, 5_000).unref())])
      await stopBitswap?.()
      await ctx.host.stop()
      ctx.store.close()
      ctx = undefined
      loop = undefined
    },
    status(): CheckerNodeStatus {
      const times = roundTimes(params, clock.now())
      const results = loop?.state.results.get(times.round)
      const tasks = ctx
        ? [...ctx.store.taskStatus(times.round)].map(([id, t]) => {
            return { ...parseTaskId(id), status: t.status, retrievalResult: results?.get(id) ?? null }
          })
        : []
      return {
        peerId: node.peerId,
        stationId: node.stationId,
        network: params.network,
        multiaddrs: node.multiaddrs(),
        ...times,
        jobsCompleted: loop?.state.jobsCompleted ?? 0,
        peers: ctx?.host.libp2p.getPeers().length ?? 0,
        outdated,
        tasks,
        rounds: convergence ? convergence.recent(STATUS_ROUNDS).map((o) => roundStatus(o, convergence!.isConfirmed)) : [],
        lastAnchored: ctx?.store.lastAnchoredSummary(),
        store: { bytes: ctx?.store.sizeBytes() ?? 0, measurements: ctx?.store.countMeasurements() ?? 0 },
        gossip: {
          accepted: Object.fromEntries(gossipMetrics?.accepted ?? []),
          rejected: Object.fromEntries(gossipMetrics?.rejected ?? []),
          ignored: Object.fromEntries(gossipMetrics?.ignored ?? []),
          banned: bans.size,
        },
      }
    },
  })
  return node as CheckerNode
}
