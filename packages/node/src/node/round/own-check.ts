import { type CatalogueEntry, type ProtocolParams, type RetrievalTask, type StationKey, taskId } from '@spark-swarm/protocol'
import type { SavedBinding } from '../../admission/binding-file.js'
import type { RetrievalChecker } from '../../retrieval/index.js'
import type { NodeStore } from '../../store/index.js'
import type { AdmissionStatus } from '../admission/own-admission.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { NodeHealth } from '../health/health.js'
import { buildOwnMeasurement } from './measure.js'
import type { Publisher } from './publish.js'
import type { ReportFailure } from './report-failure.js'
import type { RoundInfo } from './rounds.js'

export interface OwnChecksComponents {
  params: ProtocolParams
  checker: Pick<RetrievalChecker, 'check'>
  store: Pick<NodeStore, 'completeTask' | 'recordOwnMeasurement'>
  publisher: Publisher
  events: TypedEventTarget<CheckerNodeEvents>
  stationKey: StationKey
  /** Decides, before signing, whether a result is the provider's or a local fault's (spec §5.4). */
  health: Pick<NodeHealth, 'judge'>
  /** Version 2: whether the node's own participant is eligible, as judged at the round's start (spec §13.4). */
  admission?: { status(): AdmissionStatus }
}

export interface OwnChecksInit {
  /** Catalogue entries by task id, to hand the checker the provider's peer id when known. */
  entries: Map<string, CatalogueEntry>
  /** The group in force when a measurement is signed: it may be learned while the node runs (spec §5.5). */
  inetGroup: () => string
  checkerVersion: string
  /** Version 2: the binding every own measurement carries (spec §13.3). */
  binding?: SavedBinding
}

/** This node's own retrieval checks: each checked, signed, stored, then published. */
export interface OwnChecks {
  check(info: RoundInfo, task: RetrievalTask, options: { signal: AbortSignal; report: ReportFailure }): Promise<void>
  /** Checks completed since start. */
  readonly jobsCompleted: number
  /** Results of this node's own checks of a round (the last three), by task id: what status shows. */
  results(round: number): Map<string, string> | undefined
}

/**
 * One task of the round: the check decides the retrieval fields, the node signs them; the
 * measurement is stored before it is published, so a failed write means it never left the process.
 */
export function createOwnChecks(components: OwnChecksComponents, init: OwnChecksInit): OwnChecks {
  const { params, checker, store, publisher, events, stationKey, health, admission } = components
  let jobsCompleted = 0
  const results = new Map<number, Map<string, string>>()

  // a withheld result shows in status, but is no job done: nothing went out
  const remember = (round: number, id: string, retrievalResult: string, job = true) => {
    if (job) jobsCompleted++
    const ofRound = results.get(round) ?? new Map<string, string>()
    ofRound.set(id, retrievalResult)
    results.set(round, ofRound)
    for (const r of results.keys()) if (r < round - 2) results.delete(r)
  }

  // the round whose "binding not yet in force" (or "not eligible") line was said: once a round, not once a task
  let notYetBoundSaid: number | undefined
  let notEligibleSaid: number | undefined
  /** A task of the round done without a measurement; false when the store refused the write. */
  const skip = (round: number, id: string, task: RetrievalTask, report: ReportFailure): boolean => {
    try {
      store.completeTask(round, id, { status: 'no-measurement' })
      return true
    } catch (err) {
      report(`round ${round}: the task of ${task.minerId} stays pending`, err)
      return false
    }
  }
  return {
    get jobsCompleted() {
      return jobsCompleted
    },
    results: (round) => results.get(round),
    async check(info, task, { signal, report }) {
      const id = taskId(task)
      const entry = init.entries.get(id) ?? task
      // version 2: a binding is in force from its round on (spec §13.5); before it, peers would
      // reject every measurement as BINDING_INVALID, so none is made
      const fromRound = init.binding?.binding.fromRound
      if (fromRound !== undefined && fromRound > info.round) {
        if (!skip(info.round, id, task, report)) return
        if (notYetBoundSaid !== info.round) {
          notYetBoundSaid = info.round
          events.emit('activity', {
            level: 'warn',
            message: `round ${info.round}: no measurement, the station's binding holds from round ${fromRound} on`,
            code: 'BINDING_NOT_YET',
          })
        }
        return
      }
      // version 2: a participant that held no deposit at the round's eligibility height checks for
      // nothing (spec §13.4); peers would reject each measurement as NOT_ELIGIBLE, at a cost to this
      // node's peer score, so none is made. Unknown (the chain unread): the check goes on, and the
      // local fault LOTUS_UNREACHABLE decides. Not judged yet this round (a slow chain read goes on
      // past the round's start): an earlier "not eligible" stands until its "eligible from" round
      const judged = admission?.status()
      const stillNot =
        judged !== undefined &&
        judged.eligible === false &&
        (judged.round === info.round || judged.eligibleFromRound === null || judged.eligibleFromRound > info.round)
      if (judged && stillNot) {
        if (!skip(info.round, id, task, report)) return
        if (notEligibleSaid !== info.round) {
          notEligibleSaid = info.round
          const from = judged.eligibleFromRound === null ? '' : `, eligible from round ${judged.eligibleFromRound}`
          events.emit('activity', {
            level: 'info',
            message: `round ${info.round}: no measurement, participant ${judged.participant} is not eligible in this round${from}`,
            code: 'NOT_ELIGIBLE',
          })
        }
        return
      }
      const outcome = await checker.check(entry, { signal })
      if (outcome.kind === 'no-measurement') {
        try {
          store.completeTask(info.round, id, { status: 'no-measurement' })
        } catch (err) {
          report(`round ${info.round}: the task of ${task.minerId} stays pending`, err)
          return
        }
        events.emit('activity', { level: 'warn', message: `round ${info.round}: no measurement for ${task.minerId} (${outcome.reason})` })
        return
      }
      const verdict = await health.judge(info.round, entry, outcome.fields, { signal })
      if (!verdict.publish) {
        try {
          store.completeTask(info.round, id, { status: 'local-fault' })
        } catch (err) {
          report(`round ${info.round}: the task of ${task.minerId} stays pending`, err)
        }
        remember(info.round, id, outcome.fields.retrievalResult, false)
        events.emit('measurement:withheld', {
          round: info.round,
          task,
          retrievalResult: outcome.fields.retrievalResult,
          reason: verdict.reason,
        })
        return
      }
      const own = buildOwnMeasurement(outcome, {
        params,
        round: info.round,
        task: entry,
        key: stationKey,
        inetGroup: init.inetGroup(),
        checkerVersion: init.checkerVersion,
        ...(init.binding ? { binding: init.binding } : {}),
      })
      try {
        store.recordOwnMeasurement({
          round: info.round,
          taskId: id,
          cid: own.cid,
          stationId: stationKey.stationId,
          shard: info.shards.get(id) as number,
          bytes: own.bytes,
        })
      } catch (err) {
        // Dropped whole: a measurement is published only once stored, so it never left this process,
        // and its task is still pending (checked again if the node restarts within the round).
        report(`round ${info.round}, ${task.minerId}: not published`, err)
        return
      }
      remember(info.round, id, own.measurement.retrievalResult)
      events.emit('jobs-completed', { count: jobsCompleted })
      await publisher.publishPending({ signal })
      events.emit('measurement:published', { round: info.round, cid: own.cid, task, retrievalResult: own.measurement.retrievalResult })
    },
  }
}
