import { createTaskIndex, looseTaskId } from '../catalogue.js'
import type { CommitteeDecision, ConsensusEvaluation } from '../evaluation/committee.js'
import { COMMITTEE_TOO_SMALL, MAJORITY_NOT_FOUND } from '../result-codes.js'
import { TaskSelector } from '../tasker.js'
import { SPARK_FLAG, type SparkColumns, type SparkRoundTasks } from './columns.js'
import { SPARK_REQUIRED_COMMITTEE_SIZE, type SparkCommitteeResult, type SparkProviderStats } from './evaluate.js'
import { createFinishedHash, type SparkTaskingEvaluation } from './fraud-detection.js'
import type { SparkRound } from './round.js'

/*
 * `evaluateSparkRound` on columns (columns.ts): the same four steps, in the same order, with the
 * same answers (a property test holds the two side by side), but grouping integers instead of
 * strings and keeping one byte per measurement for each verdict. `evaluateSparkRound` stays the
 * reference: it reads as Spark's code does.
 */

/** `SparkColumnEvaluation.tasking` codes: the index of the verdict. */
export const SPARK_TASKING: readonly SparkTaskingEvaluation[] = [
  'OK',
  'TASK_NOT_IN_ROUND',
  'TASK_WRONG_NODE',
  'DUP_INET_GROUP',
  'TOO_MANY_TASKS',
]
/** `SparkColumnEvaluation.consensus` codes: the index of the label; 0 (null) outside committees. */
export const SPARK_CONSENSUS: readonly (ConsensusEvaluation | null)[] = [
  null,
  'MAJORITY_RESULT',
  'MINORITY_RESULT',
  COMMITTEE_TOO_SMALL,
  MAJORITY_NOT_FOUND,
]

const OK = 0
const NOT_IN_ROUND = 1
const WRONG_NODE = 2
const DUP_INET_GROUP = 3
const TOO_MANY_TASKS = 4
const PENDING = 255
const MAJORITY = 1
const MINORITY = 2
const TOO_SMALL = 3
const NOT_FOUND = 4

export interface SparkColumnEvaluation {
  /** Per measurement, an index into SPARK_TASKING. */
  tasking: Uint8Array
  /** Per measurement, an index into SPARK_CONSENSUS. */
  consensus: Uint8Array
  /** Per measurement, its committee's index in `committees`, −1 outside committees. */
  committee: Int32Array
  committees: SparkCommitteeResult[]
  providers: Record<string, SparkProviderStats>
}

/**
 * The allowed tasks of each station (canonical task indices, `sparkStationTasks`), by station id.
 * Callers that computed some while the file was still being read pass them in; missing ones are
 * computed here and added.
 */
export type SparkStationTasks = Map<string, ArrayLike<number>>

/** Spark's evaluation of one round, from columns: see `evaluateSparkRound`. */
export function evaluateSparkColumns(
  round: SparkRound,
  c: SparkColumns,
  {
    requiredCommitteeSize = SPARK_REQUIRED_COMMITTEE_SIZE,
    stationTasks = new Map(),
  }: { requiredCommitteeSize?: number; stationTasks?: SparkStationTasks } = {},
): SparkColumnEvaluation {
  const tasking = checkStationTasks(round, c, stationTasks)
  const classes = looseTaskClasses(round.tasks)
  limitPerInetGroup(round, c, tasking, classes)
  return { tasking, ...committeesOf(round, c, tasking, classes, requiredCommitteeSize) }
}

/** The canonical index of each round task: the first task equal to it. */
export function sparkCanonicalTasks(round: SparkRound): Int32Array {
  const taskOf = createTaskIndex(round.tasks)
  return Int32Array.from(round.tasks, (t) => taskOf(t.cid, t.minerId) as number)
}

/** `pickIndices` of a station, as canonical task indices: what step 1 allows it. */
export function sparkStationTasks(selector: TaskSelector, round: SparkRound, canonical: Int32Array, stationId: string): Int32Array {
  return Int32Array.from(selector.pickIndices(stationId, round.maxTasksPerNode), (i) => canonical[i] as number)
}

/** Step 1: TASK_NOT_IN_ROUND, then TASK_WRONG_NODE; the rest stays pending. */
function checkStationTasks(round: SparkRound, c: SparkColumns, stationTasks: SparkStationTasks): Uint8Array {
  const tasking = new Uint8Array(c.length).fill(PENDING)
  const canonical = sparkCanonicalTasks(round)
  let selector: TaskSelector | undefined
  const byId = new Array<ArrayLike<number> | undefined>(c.values.length)
  for (let i = 0; i < c.length; i++) {
    const task = c.task[i] as number
    if (task < 0) {
      tasking[i] = NOT_IN_ROUND
      continue
    }
    const station = c.stationId[i] as number
    let allowed = byId[station]
    if (allowed === undefined) {
      const stationId = c.values[station] as string
      allowed = stationTasks.get(stationId)
      if (allowed === undefined) {
        selector ??= new TaskSelector(round.tasks, round.randomness)
        allowed = sparkStationTasks(selector, round, canonical, stationId)
        stationTasks.set(stationId, allowed)
      }
      byId[station] = allowed
    }
    if (!Array.prototype.includes.call(allowed, task)) tasking[i] = WRONG_NODE
  }
  return tasking
}

/**
 * Groups of indices by an id column, each in input order, groups in order of first appearance;
 * `take(i)` says which indices join.
 */
function groupBy(ids: Int32Array, size: number, take: (i: number) => boolean): Int32Array[] {
  const slot = new Int32Array(size).fill(-1)
  const counts: number[] = []
  for (let i = 0; i < ids.length; i++) {
    if (!take(i)) continue
    const id = ids[i] as number
    let s = slot[id] as number
    if (s < 0) {
      s = counts.length
      slot[id] = s
      counts.push(0)
    }
    counts[s] = (counts[s] as number) + 1
  }
  const groups = counts.map((n) => new Int32Array(n))
  const fill = new Int32Array(counts.length)
  for (let i = 0; i < ids.length; i++) {
    if (!take(i)) continue
    const s = slot[ids[i] as number] as number
    const at = fill[s] as number
    ;(groups[s] as Int32Array)[at] = i
    fill[s] = at + 1
  }
  return groups
}

/** Step 2: per inet group, DUP_INET_GROUP and TOO_MANY_TASKS in order of the hashed `finished_at`. */
function limitPerInetGroup(round: SparkRound, c: SparkColumns, tasking: Uint8Array, classes: Int32Array): void {
  const k = round.maxTasksPerNode
  const finishedHash = createFinishedHash()
  const seenIn = new Int32Array(round.tasks.length).fill(-1)
  const groups = groupBy(c.inetGroup, c.values.length, (i) => tasking[i] === PENDING)
  groups.forEach((group, g) => {
    // at most K measurements of distinct tasks: every order accepts all of them
    let distinct = group.length <= k
    for (let j = 0; distinct && j < group.length; j++) {
      const id = classes[c.task[group[j] as number] as number] as number
      if (seenIn[id] === g) distinct = false
      seenIn[id] = g
    }
    if (distinct) {
      for (const i of group) tasking[i] = OK
      return
    }
    const ordered = Array.from(group, (i) => ({ i, h: finishedHash(c.finishedAt[i] as number) }))
    // stable, code-unit order: as in evaluateSparkTasking
    ordered.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
    const seen = new Set<number>()
    for (const { i } of ordered) {
      const id = classes[c.task[i] as number] as number
      if (seen.has(id)) tasking[i] = DUP_INET_GROUP
      else if (seen.size >= k) tasking[i] = TOO_MANY_TASKS
      else {
        seen.add(id)
        tasking[i] = OK
      }
    }
  })
}

/** Steps 3 and 4: committees per task over the OK measurements, their majority, provider stats. */
function committeesOf(
  round: SparkRound,
  c: SparkColumns,
  tasking: Uint8Array,
  classes: Int32Array,
  requiredCommitteeSize: number,
): Omit<SparkColumnEvaluation, 'tasking'> {
  const byClass = Int32Array.from(c.task, (t) => (t < 0 ? -1 : (classes[t] as number)))
  const memberLists = groupBy(byClass, round.tasks.length, (i) => tasking[i] === OK)
  const consensus = new Uint8Array(c.length)
  const committee = new Int32Array(c.length).fill(-1)
  const committees: SparkCommitteeResult[] = []
  const providers = new Map<string, SparkProviderStats>()
  const counts = new Int32Array(Math.max(c.indexKeys.length, c.retrievalKeys.length) / 4)
  memberLists.forEach((members, index) => {
    const task = round.tasks[c.task[members[0] as number] as number] as { cid: string; minerId: string }
    let decision: CommitteeDecision
    if (members.length < requiredCommitteeSize) {
      for (const i of members) consensus[i] = TOO_SMALL
      decision = {
        indexMajorityFound: false,
        indexerResult: COMMITTEE_TOO_SMALL,
        retrievalMajorityFound: false,
        retrievalResult: COMMITTEE_TOO_SMALL,
      }
    } else {
      const index = majorityOf(c.indexKey, members, counts)
      const retrieval = majorityOf(c.retrievalKey, members, counts)
      const retrievalKey = retrieval < 0 ? -1 : (c.retrievalKey[retrieval] as number)
      for (const i of members) consensus[i] = retrieval < 0 ? NOT_FOUND : c.retrievalKey[i] === retrievalKey ? MAJORITY : MINORITY
      decision = {
        indexMajorityFound: index >= 0,
        indexerResult: index >= 0 ? (c.values[c.indexerResult[index] as number] as string) : MAJORITY_NOT_FOUND,
        retrievalMajorityFound: retrieval >= 0,
        retrievalResult: retrieval >= 0 ? (c.values[c.retrievalResult[retrieval] as number] as string) : MAJORITY_NOT_FOUND,
      }
    }
    for (const i of members) committee[i] = index
    committees.push({ cid: task.cid, minerId: task.minerId, size: members.length, ...decision })
    addPerRequestStats(providers, round, c, members)
  })
  return { consensus, committee, committees, providers: Object.fromEntries(providers) }
}

/**
 * The first member holding a strict majority (> n/2) of `keys`, or −1. `counts` is scratch space
 * indexed by id, all zero before and after.
 */
function majorityOf(keys: Int32Array, members: Int32Array, counts: Int32Array): number {
  let best = -1
  let bestCount = 0
  for (const i of members) {
    const key = keys[i] as number
    const n = (counts[key] as number) + 1
    counts[key] = n
    if (n > bestCount) {
      best = key
      bestCount = n
    }
  }
  for (const i of members) counts[keys[i] as number] = 0
  if (best < 0 || bestCount <= members.length / 2) return -1
  for (const i of members) if (keys[i] === best) return i
  return -1
}

/** Step 4 over one committee's members, IPNI outages left out; the same Map order as the plain path. */
function addPerRequestStats(providers: Map<string, SparkProviderStats>, round: SparkRound, c: SparkColumns, members: Int32Array): void {
  for (const i of members) {
    const flags = c.flags[i] as number
    if (flags & SPARK_FLAG.ipniOutage) continue
    const minerId = (round.tasks[c.task[i] as number] as { minerId: string }).minerId
    let stats = providers.get(minerId)
    if (!stats) {
      stats = { total: 0, successful: 0, successfulHttp: 0, successfulHttpHead: 0 }
      providers.set(minerId, stats)
    }
    stats.total++
    if (flags & SPARK_FLAG.ok) {
      stats.successful++
      if (flags & SPARK_FLAG.http) {
        stats.successfulHttp++
        if (flags & SPARK_FLAG.head2xx) stats.successfulHttpHead++
      }
    }
  }
}

/** A task's committee identity, as the plain path groups by it: `looseTaskId` of the round task. */
function looseTaskClasses(tasks: SparkRoundTasks): Int32Array {
  const classes = new Int32Array(tasks.length)
  const seen = new Map<string, number>()
  tasks.forEach((t, i) => {
    const id = looseTaskId(t)
    let c = seen.get(id)
    if (c === undefined) {
      c = seen.size
      seen.set(id, c)
    }
    classes[i] = c
  })
  return classes
}
