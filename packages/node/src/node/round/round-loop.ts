import { type RetrievalTask, roundAt, roundStartTime, taskId } from '@spark-swarm/protocol'
import { measurementTopic, summariesTopic } from '../../gossip/index.js'
import type { NodeContext } from '../context.js'
import { buildOwnMeasurement } from './measure.js'
import { publishPending } from './publish.js'
import type { RoundInfo } from './rounds.js'

export interface RoundLoopHooks {
  /** Evaluates and anchors a finished round (called once its grace period is over). */
  anchorRound(round: number): Promise<void>
  /** Whether the node may do work (false once the network says it is outdated). */
  mayWork(): boolean
  /** Called at every round start, before any work (the version gate). */
  beforeRound?(): Promise<void>
}

export interface RoundLoopState {
  currentRound: number
  jobsCompleted: number
  /** Results of this node's own checks, by round, then task id (for status). */
  results: Map<number, Map<string, string>>
}

/**
 * The node's clock-driven loop. At each round start: derive the round, plan this node's tasks,
 * join the gossip shards of its committees, and spread its checks over the first part of the round
 * (`checkWindow`); after a round's end plus grace: evaluate and anchor it. Every tick it also
 * publishes whatever own measurement is still unpublished.
 */
export function startRoundLoop(
  ctx: NodeContext,
  hooks: RoundLoopHooks,
  options: { checkWindow: number; tickMs: number; retainRounds: number },
) {
  const state: RoundLoopState = { currentRound: -1, jobsCompleted: 0, results: new Map() }
  const inFlight = new Set<Promise<void>>()
  /** A failure the operator must see (a full disk, an unwritable blockstore): an `activity` error with the error's code. */
  const report = (what: string, err: unknown) => {
    if (ctx.signal.aborted) return
    const code = (err as { code?: unknown } | undefined)?.code
    ctx.events.emit('activity', {
      level: 'error',
      message: `${what}: ${err instanceof Error ? err.message : String(err)}`,
      ...(typeof code === 'string' ? { code } : {}),
    })
  }
  const track = (p: Promise<void>, what: string) => {
    inFlight.add(p)
    p.catch((err) => report(what, err)).finally(() => inFlight.delete(p))
  }
  const pubsub = ctx.host.libp2p.services.pubsub

  const updateSubscriptions = (rounds: RoundInfo[]) => {
    const wanted = new Set([summariesTopic(ctx.params)])
    for (const info of rounds) for (const t of info.mine) wanted.add(measurementTopic(ctx.params, info.shards.get(taskId(t)) as number))
    for (const topic of pubsub.getTopics()) if (!wanted.has(topic)) pubsub.unsubscribe(topic)
    for (const topic of wanted) if (!pubsub.getTopics().includes(topic)) pubsub.subscribe(topic)
  }

  const check = async (info: RoundInfo, task: RetrievalTask) => {
    const id = taskId(task)
    const entry = ctx.entries.get(id) ?? task
    const outcome = await ctx.checker.check(entry, { signal: ctx.signal })
    if (outcome.kind === 'no-measurement') {
      try {
        ctx.store.completeTask(info.round, id, { status: 'no-measurement' })
      } catch (err) {
        report(`round ${info.round}: the task of ${task.minerId} stays pending`, err)
        return
      }
      ctx.events.emit('activity', { level: 'warn', message: `round ${info.round}: no measurement for ${task.minerId} (${outcome.reason})` })
      return
    }
    const own = buildOwnMeasurement(outcome, {
      params: ctx.params,
      round: info.round,
      task: entry,
      key: ctx.identity.stationKey,
      inetGroup: ctx.inetGroup,
      checkerVersion: ctx.checkerVersion,
    })
    try {
      ctx.store.recordOwnMeasurement({
        round: info.round,
        taskId: id,
        cid: own.cid,
        stationId: ctx.identity.stationKey.stationId,
        shard: info.shards.get(id) as number,
        bytes: own.bytes,
      })
    } catch (err) {
      // Dropped whole: a measurement is published only once stored, so it never left this process,
      // and its task is still pending (checked again if the node restarts within the round).
      report(`round ${info.round}, ${task.minerId}: not published`, err)
      return
    }
    state.jobsCompleted++
    const results = state.results.get(info.round) ?? new Map<string, string>()
    results.set(id, own.measurement.retrievalResult)
    state.results.set(info.round, results)
    for (const r of state.results.keys()) if (r < info.round - 2) state.results.delete(r)
    ctx.events.emit('jobs-completed', { count: state.jobsCompleted })
    await publishPending(ctx)
    ctx.events.emit('measurement:published', { round: info.round, cid: own.cid, task, retrievalResult: own.measurement.retrievalResult })
  }

  const startRound = async (round: number) => {
    await hooks.beforeRound?.()
    const info = await ctx.rounds.get(round, { signal: ctx.signal })
    const previous = ctx.rounds.known(round - 1)
    updateSubscriptions(previous ? [previous, info] : [info])
    ctx.store.setRoundState(round, 'checking')
    ctx.store.planTasks(round, info.mine.map(taskId))
    if (!hooks.mayWork()) return
    const status = ctx.store.taskStatus(round)
    // a restarted node does not redo what it finished before
    const pending = info.mine.filter((t) => status.get(taskId(t))?.status === 'pending')
    ctx.events.emit('activity', { level: 'info', message: `round ${round}: ${pending.length} of ${info.mine.length} tasks to check` })
    const start = roundStartTime(ctx.params, round)
    const end = start + ctx.params.roundDurationMs
    await Promise.all(
      pending.map(async (task, i) => {
        // Spark spread checks over the round; so do we, over the first `checkWindow` of it
        const at = start + ((i + 1) / (pending.length + 1)) * options.checkWindow * ctx.params.roundDurationMs
        await ctx.clock.sleep(at - ctx.clock.now(), ctx.signal)
        if (ctx.clock.now() >= end || !hooks.mayWork()) return
        await check(info, task)
      }),
    )
  }

  const anchored = new Set<number>()
  let publishFailure: string | undefined
  const loop = async () => {
    while (!ctx.signal.aborted) {
      const now = ctx.clock.now()
      const round = roundAt(ctx.params, now)
      if (round > state.currentRound && round >= 0) {
        state.currentRound = round
        track(startRound(round), `round ${round}: checking failed`)
      }
      // rounds whose grace period is over are evaluated once, oldest first
      for (let r = Math.max(0, round - 2); r < round; r++) {
        // an outdated checker attests nothing either: no more publications of any kind
        if (!hooks.mayWork()) break
        if (anchored.has(r) || ctx.store.roundState(r)?.state === 'anchored') {
          anchored.add(r)
          continue
        }
        if (ctx.store.roundState(r) === undefined) continue
        if (now < roundStartTime(ctx.params, r + 1) + ctx.params.gracePeriodMs) continue
        anchored.add(r)
        try {
          await hooks.anchorRound(r)
          // months of rounds must not fill the disk: old rounds' rows go (summaries stay in helia)
          if (r >= options.retainRounds) ctx.store.pruneRoundsBefore(r - options.retainRounds)
        } catch (err) {
          report(`round ${r}: not anchored`, err)
        }
      }
      if (hooks.mayWork()) {
        try {
          await publishPending(ctx)
          publishFailure = undefined
        } catch (err) {
          // every tick retries; say so once, not once a second
          const message = err instanceof Error ? err.message : String(err)
          if (message !== publishFailure) report('publishing pending measurements failed, retrying every tick', err)
          publishFailure = message
        }
      }
      try {
        await ctx.clock.sleep(options.tickMs, ctx.signal)
      } catch {
        break
      }
    }
    await Promise.allSettled([...inFlight])
  }

  return { state, done: loop() }
}
