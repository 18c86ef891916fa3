import { hash } from 'node:crypto'
import { createTaskIndex, looseTaskId } from '../catalogue.js'
import { pushToGroup } from '../group.js'
import { TaskSelector } from '../tasker.js'
import type { SparkMeasurement } from './measurement.js'
import type { SparkRound } from './round.js'

/*
 * spark-evaluate `runFraudDetection`: the tasking verdict of every measurement of a round, in
 * Spark's order (round and station tasks first, then the inet-group limits). Committees are
 * formed from the measurements this labels OK.
 */

/** Spark's tasking verdict on one measurement; only OK ones join a committee. */
export type SparkTaskingEvaluation = 'OK' | 'TASK_NOT_IN_ROUND' | 'TASK_WRONG_NODE' | 'DUP_INET_GROUP' | 'TOO_MANY_TASKS'

/** A verdict per measurement, `null` while no step has ruled on it yet. */
type Tasking = Array<SparkTaskingEvaluation | null>

/** The tasking evaluation of every measurement, in input order. */
export function evaluateSparkTasking(round: SparkRound, measurements: readonly SparkMeasurement[]): SparkTaskingEvaluation[] {
  const tasking = checkStationTasks(round, measurements)
  limitPerInetGroup(round, measurements, tasking)
  return tasking as SparkTaskingEvaluation[]
}

/**
 * Step 1: TASK_NOT_IN_ROUND, then TASK_WRONG_NODE (not among the station's K nearest tasks).
 * Tasks are exact (cid, minerId) pairs, compared with === as Spark does.
 */
function checkStationTasks(round: SparkRound, measurements: readonly SparkMeasurement[]): Tasking {
  const tasking: Tasking = measurements.map(() => null)
  const taskOf = createTaskIndex(round.tasks)
  const selector = new TaskSelector(round.tasks, round.randomness)
  // a duplicate task in the round list has one index; picking either copy allows it
  const canonical = (i: number) => taskOf(round.tasks[i]?.cid, round.tasks[i]?.minerId) as number
  const allowed = new Map<string, Set<number>>()
  measurements.forEach((m, i) => {
    const task = typeof m.cid === 'string' && typeof m.minerId === 'string' ? taskOf(m.cid, m.minerId) : undefined
    if (task === undefined) {
      tasking[i] = 'TASK_NOT_IN_ROUND'
      return
    }
    let stationTasks = allowed.get(m.stationId)
    if (!stationTasks) {
      stationTasks = new Set(selector.pickIndices(m.stationId, round.maxTasksPerNode).map(canonical))
      allowed.set(m.stationId, stationTasks)
    }
    if (!stationTasks.has(task)) tasking[i] = 'TASK_WRONG_NODE'
  })
  return tasking
}

/**
 * Step 2: at most one measurement per task and K tasks per inet group. Per group, in ascending
 * order of hex SHA-256 of the ISO `finished_at` (stable for equal timestamps): a task already
 * seen in the group → DUP_INET_GROUP, a group that already has K tasks → TOO_MANY_TASKS, else OK.
 */
function limitPerInetGroup(round: SparkRound, measurements: readonly SparkMeasurement[], tasking: Tasking): void {
  const groups = new Map<string, number[]>()
  measurements.forEach((m, i) => {
    if (tasking[i] === null) pushToGroup(groups, m.inet_group, i)
  })
  const finishedHash = createFinishedHash()
  for (const group of groups.values()) {
    const ids = group.map((i) => looseTaskId(measurements[i] as SparkMeasurement))
    // At most K measurements of distinct tasks: Spark's walk accepts all of them in any order,
    // so the hashing and sorting below would change nothing.
    if (group.length <= round.maxTasksPerNode && new Set(ids).size === ids.length) {
      for (const i of group) tasking[i] = 'OK'
      continue
    }
    const ordered = group.map((i, j) => ({ i, id: ids[j] as string, h: finishedHash((measurements[i] as SparkMeasurement).finished_at) }))
    // Array.prototype.sort is stable: equal hashes keep input order, as in Spark.
    // Plain code-unit order equals Spark's localeCompare(…, 'en') on lowercase hex.
    ordered.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
    const seen = new Set<string>()
    for (const { i, id } of ordered) {
      if (seen.has(id)) tasking[i] = 'DUP_INET_GROUP'
      else if (seen.size >= round.maxTasksPerNode) tasking[i] = 'TOO_MANY_TASKS'
      else {
        seen.add(id)
        tasking[i] = 'OK'
      }
    }
  }
}

/** Hex SHA-256 of the ISO form of a `finished_at`, memoised: a round's timestamps repeat. */
export function createFinishedHash(): (finishedAt: number) => string {
  const hashes = new Map<number, string>()
  return (finishedAt) => {
    let h = hashes.get(finishedAt)
    if (h === undefined) {
      // Node's one-shot hash: no Hash object per measurement of a busy inet group
      h = hash('sha256', new Date(finishedAt).toISOString(), 'hex')
      hashes.set(finishedAt, h)
    }
    return h
  }
}
