import { join } from 'node:path'
import type { ConnectionGater } from '@libp2p/interface'
import { type Catalogue, type CatalogueEntry, catalogueCid, type ProtocolParams } from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { type BitswapFetcher, createBitswapFetcher } from '../bitswap/fetcher.js'
import {
  createRetrievalChecker,
  createRpcMinerResolver,
  createStaticMinerResolver,
  type MinerResolver,
  type RetrievalChecker,
  type RetrievalCheckerInit,
} from '../retrieval/index.js'
import {
  type DataDirLock,
  loadOrCreateIdentity,
  lockDataDir,
  type NodeIdentity,
  type NodeStore,
  openNodeStore,
  prepareDataDir,
} from '../store/index.js'
import type { Clock } from './clock.js'
import { type LotusWatch, watchLotus } from './health/lotus-watch.js'
import { libp2pListenError } from './listen-error.js'
import type { Logger } from './logger.js'
import { loopbackDialFrom } from './peers/dial-from.js'
import { type AminoInit, createHost, type Host } from './peers/host.js'
import type { NatInit } from './peers/nat.js'
import { listenReach, NAT_AUTO, resolveNat } from './peers/nat-auto.js'
import { createRandomnessSource } from './round/randomness.js'
import { Rounds } from './round/rounds.js'

/** The settings `openNode` reads (a subset of `CheckerNodeInit`). */
export interface OpenNodeInit {
  dataDir: string
  indexerUrl: string
  rpcUrl?: string
  drandUrl?: string
  listen?: string[]
  bootstrap?: string[]
  loopback?: boolean
  amino?: AminoInit
  nat?: NatInit
  retrieval?: RetrievalCheckerInit
  storeMaxBytes?: number
  bitswap?: boolean
  /** Version 2: the participant the station checks for, whom its tasks follow (spec §13.5). */
  participant?: string
}

/** A started node's resources: what the parts are composed of. */
export interface OpenedNode {
  catalogueCid: CID
  identity: NodeIdentity
  store: NodeStore
  host: Host
  checker: RetrievalChecker
  bitswap: BitswapFetcher | undefined
  rounds: Rounds
  /** Sets and clears LOTUS_UNREACHABLE from the chain lookups, once attached to the node's faults; none without Lotus. */
  lotus: LotusWatch | undefined
  /** This node's claim on the data dir: released last, after the store and the host are closed. */
  lock: DataDirLock
}

/**
 * Opens what a node runs on, in the order that fails early and names the problem: the catalogue
 * against the network's params, the data dir, the identity key, the store, the libp2p host, then
 * the retrieval checker and the round derivation.
 */
export async function openNode(
  init: OpenNodeInit,
  shared: { params: ProtocolParams; catalogue: Catalogue; gater: ConnectionGater; clock: Clock; log: Logger },
): Promise<OpenedNode> {
  const { params, catalogue, clock, log } = shared
  const ownCatalogueCid = await catalogueCid(catalogue)
  // a node with another catalogue would derive other tasks and be rejected by every peer
  if (params.catalogueCid !== null && params.catalogueCid !== ownCatalogueCid.toString()) {
    throw new Error(
      `the catalogue given has CID ${ownCatalogueCid}, but the network's params name ${params.catalogueCid}: use the network's catalogue`,
    )
  }
  // a read-only or misplaced data dir fails here, naming it, before anything is opened
  await prepareDataDir(init.dataDir)
  const lock = await lockDataDir(init.dataDir)
  // what is open so far, closed in reverse when a later step fails: a failed start leaves nothing behind
  const opened: Array<() => Promise<void> | void> = [() => lock.release()]
  try {
    const identity = await loadOrCreateIdentity(init.dataDir, { warn: (message) => log.warn(message) })
    const store = openNodeStore({
      path: join(init.dataDir, 'node.sqlite'),
      now: () => clock.now(),
      ...(init.storeMaxBytes !== undefined ? { maxBytes: init.storeMaxBytes } : {}),
    })
    opened.push(() => store.close())
    const listen = init.listen ?? ['/ip4/127.0.0.1/tcp/0']
    const dialFrom = init.loopback ? loopbackDialFrom(listen) : undefined
    const host = await createHost({
      dataDir: init.dataDir,
      privateKey: identity.privateKey,
      params,
      listen,
      nat: init.nat ?? resolveNat(NAT_AUTO, listenReach(listen), init.loopback ?? false),
      ...(dialFrom ? { dialFrom } : {}),
      bootstrap: init.bootstrap ?? [],
      loopback: init.loopback ?? false,
      ...(init.amino ? { amino: init.amino } : {}),
      connectionGater: shared.gater,
    }).catch((err: unknown) => {
      throw libp2pListenError(err) ?? err
    })
    opened.push(() => host.stop())
    const bitswap = init.bitswap === false ? undefined : await createBitswapFetcher()
    if (bitswap) opened.push(() => bitswap.stop())
    const { resolver, lotus } = minerResolverFor(catalogue, init.rpcUrl)
    const checker = createRetrievalChecker(init.retrieval ?? {}, {
      minerResolver: resolver,
      indexerUrl: init.indexerUrl,
      clock: () => clock.now(),
      ...(bitswap ? { bitswap } : {}),
    })
    const randomness = createRandomnessSource(params, init.drandUrl ? { drandUrl: init.drandUrl } : {})
    // version 2: tasks follow the participant, not the key that signs (spec §13.5)
    const rounds = new Rounds(params, catalogue, randomness, init.participant ?? identity.stationKey.stationId)
    return { catalogueCid: ownCatalogueCid, identity, store, host, checker, bitswap, rounds, lotus, lock }
  } catch (err) {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => {})
    throw err
  }
}

/** Closes what `openNode` opened, in reverse; the data dir's lock goes last, whatever failed before it. */
export async function closeOpenedNode(opened: OpenedNode): Promise<void> {
  try {
    await opened.bitswap?.stop()
    await opened.host.stop()
    opened.store.close()
  } finally {
    await opened.lock.release()
  }
}

/** Providers the catalogue names need no chain lookup; Lotus only when some are not named. */
function minerResolverFor(catalogue: Catalogue, rpcUrl: string | undefined): { resolver: MinerResolver; lotus?: LotusWatch } {
  const named = catalogue.entries.filter((e): e is CatalogueEntry & { providerId: string } => typeof e.providerId === 'string')
  if (rpcUrl !== undefined && named.length < catalogue.entries.length) {
    const lotus = watchLotus(createRpcMinerResolver({ rpcUrl }), rpcUrl)
    return { resolver: lotus.resolver, lotus }
  }
  return { resolver: createStaticMinerResolver(named.map((e) => ({ minerId: e.minerId, providerId: e.providerId }))) }
}
