import { type Catalogue, type ProtocolParams, roundAt, taskId } from '@spark-swarm/protocol'
import type { NodeAdmission } from '../admission/node-admission.js'
import type { GossipMetrics } from '../gossip/index.js'
import { installGossip } from '../gossip/install.js'
import { atMost } from '../util/at-most.js'
import { createAdmissionReader } from './admission/chain-watch.js'
import { createGossipAdmission } from './admission/gossip-admission.js'
import { createOwnAdmission, type OwnAdmission } from './admission/own-admission.js'
import { createWindowPrefetch } from './admission/window-prefetch.js'
import { type Anchoring, createAnchoring } from './anchor/anchor.js'
import { type Convergence, createConvergence } from './anchor/convergence.js'
import { createSummaryChain, type SummaryChain } from './anchor/summary-chain.js'
import type { Clock } from './clock.js'
import type { CheckerNodeEvents, TypedEventTarget } from './events.js'
import type { ClockSource } from './health/clock-check.js'
import { createNodeHealth, type NodeHealth } from './health/health.js'
import { LocalFaults } from './health/local-faults.js'
import { createIndexerProbe } from './health/probe.js'
import type { Logger } from './logger.js'
import type { OpenedNode } from './open.js'
import { createReceivedHandlers } from './receive.js'
import { createOwnChecks, type OwnChecks } from './round/own-check.js'
import { createPublisher } from './round/publish.js'
import { createRoundLoop, type RoundLoop } from './round/round-loop.js'
import type { VersionCheck } from './version-gate.js'

/** The settings of the parts (from `CheckerNodeInit`, defaults applied). */
export interface PartsInit {
  /** The group in force, asked at each signing. */
  inetGroup: () => string
  checkerVersion: string
  checkWindow: number
  retainRounds: number
  /** The indexer the checks ask: the health probe asks it too. */
  indexerUrl: string
}

/** The parts of a started node, wired to each other. */
export interface NodeParts {
  ownChecks: OwnChecks
  anchoring: Anchoring
  /** The one anchoring queue: the round loop and catch-ups anchor through it (spec §9.1). */
  chain: SummaryChain
  convergence: Convergence
  loop: RoundLoop
  gossipMetrics: GossipMetrics
  /** The node's local faults and the judgement of its results (spec §5.4). */
  health: NodeHealth
  /** Version 2: whether its own participant is eligible (spec §13.4). */
  own?: OwnAdmission
}

/** The version gate's round-start check, with `also` run beside it. */
function alsoAtRoundStart(gate: VersionCheck, also: () => Promise<void>): VersionCheck {
  return {
    get outdated() {
      return gate.outdated
    },
    mayWork: () => gate.mayWork(),
    check: async () => {
      await Promise.all([gate.check(), also()])
    },
  }
}

/**
 * Wires the parts of a started node from the resources `openNode` opened: each part is given only
 * what it uses. Nothing runs yet except the gossip validators; `loop.start()` starts the rounds.
 */
export function composeParts(
  opened: OpenedNode,
  shared: {
    params: ProtocolParams
    catalogue: Catalogue
    clock: Clock
    log: Logger
    events: TypedEventTarget<CheckerNodeEvents>
    versionCheck: VersionCheck
    signal: AbortSignal
    /** The tracker's clock, for CLOCK_OFF. */
    clockSource?: ClockSource
    /** Version 2 (spec §13): the station's binding and the chain. */
    admission?: NodeAdmission
  },
  init: PartsInit,
): NodeParts {
  const { params, clock, log, events, signal } = shared
  const { store, host, rounds } = opened
  const pubsub = host.libp2p.services.pubsub
  const stationKey = opened.identity.stationKey
  const publisher = createPublisher({ params, clock, store, pubsub, log })
  const health = createNodeHealth({
    faults: new LocalFaults(events, () => clock.now()),
    probe: createIndexerProbe({ indexerUrl: init.indexerUrl, now: () => clock.now() }),
    indexerUrl: init.indexerUrl,
  })
  opened.lotus?.attach(health.faults)
  const admission = shared.admission
  const reader = admission && createAdmissionReader(params, admission.chain, health.faults, signal)
  const own =
    admission && reader && params.admission
      ? createOwnAdmission({
          params: { ...params, admission: params.admission },
          participant: admission.binding.binding.participant,
          reader,
          chain: admission.chain,
          events,
          signal,
        })
      : undefined
  const prefetch =
    admission && params.admission
      ? createWindowPrefetch({ params: { ...params, admission: params.admission }, chain: admission.chain, clock, signal })
      : undefined
  const ownChecks = createOwnChecks(
    { params, checker: opened.checker, store, publisher, events, stationKey, health, ...(own ? { admission: own } : {}) },
    {
      entries: new Map(shared.catalogue.entries.map((e) => [taskId(e), e])),
      inetGroup: init.inetGroup,
      checkerVersion: init.checkerVersion,
      ...(admission ? { binding: admission.binding } : {}),
    },
  )
  const anchoring = createAnchoring(
    {
      params,
      rounds,
      store,
      blockstore: host.helia.blockstore,
      routing: host.helia.routing,
      pubsub,
      stationKey,
      events,
      log,
      signal,
      ...(reader ? { admission: reader } : {}),
      ...(admission ? { binding: admission.binding } : {}),
    },
    { catalogue: shared.catalogue, catalogueCid: opened.catalogueCid },
  )
  // the chain tells convergence of re-linked rounds; convergence exists by the time anything is anchored
  const chain = createSummaryChain({ anchoring, relinked: (outcome) => convergence.relinked(outcome), log })
  const convergence = createConvergence({
    params,
    rounds,
    store,
    blocks: host.helia.blockstore,
    reanchor: (round) => chain.anchor(round, { reanchored: 'catch-up' }),
    events,
    log,
    signal,
  })
  const gossipAdmission = reader && createGossipAdmission(reader)
  const gossipMetrics = installGossip(
    { params, clock, rounds, host, log, ...(gossipAdmission ? { admission: gossipAdmission } : {}) },
    createReceivedHandlers({ rounds, store, convergence }),
  )
  const loop = createRoundLoop(
    {
      params,
      clock,
      rounds,
      store,
      pubsub,
      ownChecks,
      publisher,
      anchorRound: async (round) => convergence.anchored(await chain.anchor(round)),
      // at every round start, beside the version gate: whether this node's participant counts, and
      // in a window's last round the next window's answers read ahead
      versionCheck: own
        ? alsoAtRoundStart(shared.versionCheck, () => {
            const round = roundAt(params, clock.now())
            prefetch?.atRoundStart(round)
            // a slow Lotus must not hold the round's start back by a whole RPC timeout: the
            // check goes on, and own checks read its verdict when it comes (own-check.ts)
            return atMost(own.check(round), Math.min(2_000, params.roundDurationMs / 10), (err) =>
              log.warn('own admission not read', { round, error: String(err) }),
            )
          })
        : shared.versionCheck,
      events,
      health,
      ...(shared.clockSource ? { clockSource: shared.clockSource } : {}),
    },
    { checkWindow: init.checkWindow, tickMs: Math.min(1_000, Math.max(50, params.roundDurationMs / 20)), retainRounds: init.retainRounds },
  )
  return { ownChecks, anchoring, chain, convergence, loop, gossipMetrics, health, ...(own ? { own } : {}) }
}
