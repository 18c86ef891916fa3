import { type ProtocolParams, roundAt, roundStartTime, taskId } from '@spark-swarm/protocol'
import { RetrievalError } from '../../retrieval/errors.js'
import type { NodeStore } from '../../store/index.js'
import type { Clock } from '../clock.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import { type ClockSource, checkClock } from '../health/clock-check.js'
import { type DiskFullFault, diskFullFault } from '../health/disk-full.js'
import type { NodeHealth } from '../health/health.js'
import type { NodePubSub } from '../peers/host.js'
import type { VersionCheck } from '../version-gate.js'
import type { OwnChecks } from './own-check.js'
import type { Publisher } from './publish.js'
import { DrandUnreachableError } from './randomness.js'
import { failureReporter, type ReportFailure } from './report-failure.js'
import type { RoundInfo, Rounds } from './rounds.js'
import { updateSubscriptions } from './subscriptions.js'

export interface RoundLoopComponents {
  params: ProtocolParams
  clock: Clock
  rounds: Pick<Rounds, 'get' | 'known'>
  store: Pick<NodeStore, 'setRoundState' | 'planTasks' | 'taskStatus' | 'roundState' | 'pruneRoundsBefore'>
  pubsub: Pick<NodePubSub, 'getTopics' | 'subscribe' | 'unsubscribe'>
  ownChecks: Pick<OwnChecks, 'check'>
  publisher: Publisher
  /** Evaluates and anchors a finished round (called once its grace period is over). */
  anchorRound(round: number): Promise<void>
  /** Asked at every round start, before any work; no work once it says outdated. */
  versionCheck: Pick<VersionCheck, 'check' | 'mayWork'>
  events: TypedEventTarget<CheckerNodeEvents>
  /** Told of every round start: local faults about the indexer are probed again then (spec §5.4). */
  health: Pick<NodeHealth, 'roundStarted' | 'faults'>
  /** The tracker's clock, read at every round start (the version check just asked it): CLOCK_OFF when far off. */
  clockSource?: ClockSource
}

export interface RoundLoopInit {
  /** Share of the round over which checks are spread. */
  checkWindow: number
  /** How often the loop looks at the clock and publishes what is pending. */
  tickMs: number
  /** Rounds kept in the store; older rows are pruned after anchoring. */
  retainRounds: number
}

export interface RoundLoop {
  /** The last round started (-1 before the first). */
  readonly currentRound: number
  start(): void
  /** Aborts the loop and its checks, and resolves once all of them ended. */
  stop(): Promise<void>
}

/**
 * The node's clock-driven loop. At each round start: derive the round, plan this node's tasks,
 * join the gossip shards of its committees, and spread its checks over the first part of the round
 * (`checkWindow`); after a round's end plus grace: evaluate and anchor it. Every tick it also
 * publishes whatever own measurement is still unpublished.
 */
export function createRoundLoop(components: RoundLoopComponents, init: RoundLoopInit): RoundLoop {
  const { params, clock, versionCheck } = components
  let currentRound = -1
  let running: { controller: AbortController; done: Promise<void> } | undefined

  const run = async (signal: AbortSignal) => {
    const diskFull = diskFullFault(components.health.faults, () => clock.now(), params.roundDurationMs)
    const report = diskFull.reporting(failureReporter(components.events, signal))
    const inFlight = new Set<Promise<void>>()
    const anchored = new Set<number>()
    // rounds whose anchoring waits for the chain, said once each
    const chainRetries = new Set<number>()
    let anchoring: Promise<void> | undefined
    const publishing = publishEveryTick(components, signal, report)
    while (!signal.aborted) {
      const now = clock.now()
      const round = roundAt(params, now)
      if (round > currentRound && round >= 0) {
        currentRound = round
        const started = startRound(components, init, round, { signal, report })
        inFlight.add(started)
        started.catch((err) => report(`round ${round}: checking failed`, err)).finally(() => inFlight.delete(started))
      }
      // Anchoring (evaluation, some 60 blockstore writes, attestations) takes seconds on a slow
      // disk; the loop must not wait on it, or the next round is derived late and the node Ignores
      // that round's gossip as ROUND_UNKNOWN. One anchoring runs at a time, oldest round first.
      anchoring ??= anchorDueRounds(components, init, { round, now, anchored, chainRetries, report, signal, diskFull })
        .catch((err) => report('anchoring failed', err))
        .finally(() => {
          anchoring = undefined
        })
      if (versionCheck.mayWork()) await publishing()
      try {
        await clock.sleep(init.tickMs, signal)
      } catch {
        break
      }
    }
    await Promise.allSettled([...inFlight, anchoring])
  }

  return {
    get currentRound() {
      return currentRound
    },
    start() {
      if (running) return
      const controller = new AbortController()
      running = { controller, done: run(controller.signal) }
    },
    async stop() {
      if (!running) return
      running.controller.abort()
      await running.done
      running = undefined
    },
  }
}

/** A round's start: its tasks planned, its shards joined, and the pending ones checked across the check window. */
async function startRound(
  components: RoundLoopComponents,
  init: RoundLoopInit,
  round: number,
  { signal, report }: { signal: AbortSignal; report: ReportFailure },
): Promise<void> {
  const { params, clock, rounds, store, versionCheck } = components
  await versionCheck.check()
  const { health } = components
  // a quarter round: beyond it, this node derives rounds and stamps times its peers would not
  checkClock(components.clockSource, health.faults, params.roundDurationMs / 4)
  await health.roundStarted(round, { signal })
  let info: RoundInfo
  try {
    info = await rounds.get(round, { signal })
  } catch (err) {
    // no beacon, no tasks: this node's own fault, said once as such, not a "checking failed" every round
    if (!(err instanceof DrandUnreachableError) || signal.aborted) throw err
    health.faults.set('DRAND_UNREACHABLE', `round ${round} is skipped: ${err.message}`)
    return
  }
  health.faults.clear('DRAND_UNREACHABLE', `the drand beacon of round ${round} was fetched`)
  const earlier = [rounds.known(round - 2), rounds.known(round - 1)].filter((r) => r !== undefined)
  updateSubscriptions(components.pubsub, params, round, [...earlier, info])
  store.setRoundState(round, 'checking')
  store.planTasks(round, info.mine.map(taskId))
  if (!versionCheck.mayWork()) return
  const status = store.taskStatus(round)
  // a restarted node does not redo what it finished before
  const pending = info.mine.filter((t) => status.get(taskId(t))?.status === 'pending')
  components.events.emit('activity', { level: 'info', message: `round ${round}: ${pending.length} of ${info.mine.length} tasks to check` })
  const start = roundStartTime(params, round)
  const end = start + params.roundDurationMs
  await Promise.all(
    pending.map(async (task, i) => {
      // Spark spread checks over the round; so do we, over the first `checkWindow` of it
      const at = start + ((i + 1) / (pending.length + 1)) * init.checkWindow * params.roundDurationMs
      await clock.sleep(at - clock.now(), signal)
      if (clock.now() >= end || !versionCheck.mayWork()) return
      await components.ownChecks.check(info, task, { signal, report })
    }),
  )
}

/** Rounds whose grace period is over are evaluated and anchored once, oldest first. */
async function anchorDueRounds(
  components: RoundLoopComponents,
  init: RoundLoopInit,
  {
    round,
    now,
    anchored,
    chainRetries,
    report,
    signal,
    diskFull,
  }: {
    round: number
    now: number
    anchored: Set<number>
    chainRetries: Set<number>
    report: ReportFailure
    signal: AbortSignal
    diskFull: DiskFullFault
  },
): Promise<void> {
  const { params, store, versionCheck } = components
  for (let r = Math.max(0, round - 2); r < round; r++) {
    // a stop ends the anchoring between rounds, not only inside one
    if (signal.aborted) break
    // an outdated checker attests nothing either: no more publications of any kind
    if (!versionCheck.mayWork()) break
    if (anchored.has(r) || store.roundState(r)?.state === 'anchored') {
      anchored.add(r)
      continue
    }
    if (store.roundState(r) === undefined) continue
    if (now < roundStartTime(params, r + 1) + params.gracePeriodMs) continue
    anchored.add(r)
    try {
      await components.anchorRound(r)
      // both stores took this round's writes: a full disk may be over
      diskFull.anchored(r)
      // months of rounds must not fill the disk: old rounds' rows go (summaries stay in helia)
      if (r >= init.retainRounds) store.pruneRoundsBefore(r - init.retainRounds)
    } catch (err) {
      // version 2: the chain did not answer who was eligible (LOTUS_UNREACHABLE says so); asked
      // again every tick while the round's attestations are still collected (spec §12.5), so
      // that one timeout does not cost the round. Said once, not once a tick
      const retry = isChainFailure(err) && now < roundStartTime(params, r + 2)
      if (retry) anchored.delete(r)
      if (!retry || !chainRetries.has(r))
        report(`round ${r}: not anchored${retry ? ', retrying while the chain does not answer' : ''}`, err)
      if (retry) chainRetries.add(r)
      for (const old of chainRetries) if (old < round - 2) chainRetries.delete(old)
    }
  }
}

const isChainFailure = (err: unknown): boolean => err instanceof RetrievalError && err.code === 'RPC_FAILURE'

/** The tick's publication of pending measurements; a failure is retried every tick and said once, not once a second. */
function publishEveryTick(components: RoundLoopComponents, signal: AbortSignal, report: ReportFailure): () => Promise<void> {
  let publishFailure: string | undefined
  return async () => {
    try {
      await components.publisher.publishPending({ signal })
      publishFailure = undefined
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (message !== publishFailure) report('publishing pending measurements failed, retrying every tick', err)
      publishFailure = message
    }
  }
}
