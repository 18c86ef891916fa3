import type { CID } from 'multiformats/cid'
import { compareStrings, fromHex, sha256Concat } from '../bytes.js'
import { type RetrievalTask, taskId } from '../catalogue.js'
import { measurementCid, type SignedMeasurement, verifyMeasurementSignature } from '../measurement.js'
import type { ProtocolParams } from '../params.js'
import type { RoundSeeds } from '../randomness/seeds.js'
import { retrievalResultOf } from '../result-codes.js'
import { TaskSelector } from '../tasker.js'
import { isVersionAtLeast } from '../version.js'
import { type CommitteeDecision, type ConsensusEvaluation, evaluateCommittee } from './committee.js'
import { type ProviderScores, scoreProviders } from './scoring.js'

/** Tasking labels: Spark's four plus ours. Only `OK` measurements join a committee. */
export type TaskingEvaluation =
  | 'OK'
  | 'INVALID_SIGNATURE'
  | 'OUTDATED_CLIENT'
  | 'TASK_NOT_IN_ROUND'
  | 'TASK_WRONG_NODE'
  | 'DUPLICATE'
  | 'DUP_INET_GROUP'
  | 'TOO_MANY_TASKS'

/** Why a measurement was dropped before tasking: it is not a measurement of this round at all. */
export type DropReason = 'WRONG_NETWORK' | 'WRONG_ROUND' | 'WRONG_PROTOCOL_VERSION' | 'RESULT_MISMATCH' | 'INVALID_TIMINGS'

/** Everything evaluation needs to know about the round, all derivable from params + beacon + catalogue. */
export interface RoundContext {
  params: ProtocolParams
  round: number
  seeds: RoundSeeds
  /** The round's tasks, `sampleRoundTasks(catalogue, seeds, params.tasksPerRound)`. */
  tasks: readonly RetrievalTask[]
}

/** A measurement with its CID, as a node stores it. */
export interface MeasurementRecord {
  cid: CID
  measurement: SignedMeasurement
}

/** The record of a measurement whose CID is not known yet (encodes and hashes it). */
export function measurementRecord(measurement: SignedMeasurement): MeasurementRecord {
  return { cid: measurementCid(measurement), measurement }
}

export interface EvaluateOptions {
  /**
   * 'verify' checks every signature and recomputes every CID (offline evaluation of a file);
   * 'trusted' takes both as given because the caller already checked them (the node's gossip
   * validator did, on receipt). Default 'verify'.
   */
  signatures?: 'verify' | 'trusted'
}

export interface EvaluatedMeasurement {
  cid: string
  stationId: string
  task: RetrievalTask
  retrievalResult: string
  taskingEvaluation: TaskingEvaluation
  consensusEvaluation: ConsensusEvaluation | null
}

export interface CommitteeResult extends CommitteeDecision {
  task: RetrievalTask
  size: number
  /** Members per retrieval result. */
  counts: Record<string, number>
  /** Members' measurement CIDs, sorted. */
  measurements: string[]
}

export interface RoundEvaluation {
  network: string
  round: number
  /** Sorted by CID. */
  measurements: EvaluatedMeasurement[]
  dropped: Array<{ cid: string; reason: DropReason }>
  /** Sorted by task (cid, then minerId). */
  committees: CommitteeResult[]
  providers: Record<string, ProviderScores>
}

interface Entry {
  m: SignedMeasurement
  cid: string
  /** Order within an inet group: SHA-256(round's inet-group seed || CID bytes), hex. */
  order: string
  label: TaskingEvaluation | null
}

function dropReason(ctx: RoundContext, m: SignedMeasurement): DropReason | null {
  if (m.network !== ctx.params.network) return 'WRONG_NETWORK'
  if (m.round !== ctx.round) return 'WRONG_ROUND'
  if (m.protocolVersion !== ctx.params.protocolVersion) return 'WRONG_PROTOCOL_VERSION'
  if (m.retrievalResult !== retrievalResultOf(m)) return 'RESULT_MISMATCH'
  // Spark's TTFB rules (spark-evaluate #474/#483, #498): an OK must have a consistent timeline,
  // and an http OK must carry its HEAD probe.
  if (m.retrievalResult === 'OK') {
    const { startAt: s, firstByteAt: f, endAt: e } = m
    if (!(s !== null && f !== null && e !== null && s > 0 && s <= f && f <= e)) return 'INVALID_TIMINGS'
    if ((m.protocol === 'http') !== (m.headStatusCode !== null)) return 'INVALID_TIMINGS'
  }
  return null
}

const indexKey = (m: SignedMeasurement) => JSON.stringify([m.providerId, m.indexerResult, m.providerAddress, m.protocol])
const committeeFields = {
  indexKey,
  retrievalKey: (m: SignedMeasurement) => JSON.stringify([indexKey(m), m.retrievalResult, m.byteLength, m.carChecksum]),
  indexerResult: (m: SignedMeasurement) => String(m.indexerResult),
  retrievalResult: (m: SignedMeasurement) => m.retrievalResult,
}

const compareTasks = (a: RetrievalTask, b: RetrievalTask) => compareStrings(a.cid, b.cid) || compareStrings(a.minerId, b.minerId)

/**
 * Evaluates one round from the measurements a node holds: drop what does not belong to the
 * round, label tasking fraud, form committees per task and find the honest majority, then score
 * providers three ways. Pure and deterministic: the result depends on the set of measurements,
 * never on their order or on duplicates of the same bytes.
 */
export function evaluateRound(
  ctx: RoundContext,
  input: Iterable<MeasurementRecord>,
  { signatures = 'verify' }: EvaluateOptions = {},
): RoundEvaluation {
  const groupSeed = fromHex(ctx.seeds.inetGroupOrder)
  const byCid = new Map<string, Entry>()
  const dropped: RoundEvaluation['dropped'] = []
  for (const record of input) {
    const m = record.measurement
    const cid = signatures === 'verify' ? measurementCid(m) : record.cid
    const key = cid.toString()
    if (byCid.has(key)) continue
    const reason = dropReason(ctx, m)
    if (reason) {
      dropped.push({ cid: key, reason })
      byCid.set(key, { m, cid: key, order: '', label: null })
      continue
    }
    byCid.set(key, { m, cid: key, order: Buffer.from(sha256Concat(groupSeed, cid.bytes)).toString('hex'), label: null })
  }
  const droppedCids = new Set(dropped.map((d) => d.cid))
  const entries = [...byCid.values()].filter((e) => !droppedCids.has(e.cid)).sort((a, b) => compareStrings(a.cid, b.cid))

  // 1. labels that depend on the measurement alone
  const roundTasks = new Set(ctx.tasks.map(taskId))
  const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
  const allowed = new Map<string, Set<string>>()
  for (const e of entries) {
    const { m } = e
    if (signatures === 'verify' && !verifyMeasurementSignature(m)) e.label = 'INVALID_SIGNATURE'
    else if (!isVersionAtLeast(m.checkerVersion, ctx.params.minCheckerVersion)) e.label = 'OUTDATED_CLIENT'
    else if (!roundTasks.has(taskId(m.task))) e.label = 'TASK_NOT_IN_ROUND'
    else {
      let mine = allowed.get(m.stationId)
      if (!mine) {
        mine = new Set(selector.pick(m.stationId, ctx.params.maxTasksPerNode).map(taskId))
        allowed.set(m.stationId, mine)
      }
      if (!mine.has(taskId(m.task))) e.label = 'TASK_WRONG_NODE'
    }
  }

  // 2. one measurement per station and task, one per inet group and task, K tasks per group;
  //    which one wins is decided by an order nobody can choose before the round seed is known
  const candidates = entries.filter((e) => e.label === null).sort((a, b) => compareStrings(a.order, b.order))
  const stationTasks = new Set<string>()
  const groupTasks = new Map<string, Set<string>>()
  for (const e of candidates) {
    const id = taskId(e.m.task)
    const stationTask = `${e.m.stationId}\n${id}`
    if (stationTasks.has(stationTask)) {
      e.label = 'DUPLICATE'
      continue
    }
    stationTasks.add(stationTask)
    let seen = groupTasks.get(e.m.inetGroup)
    if (!seen) {
      seen = new Set()
      groupTasks.set(e.m.inetGroup, seen)
    }
    if (seen.has(id)) e.label = 'DUP_INET_GROUP'
    else if (seen.size >= ctx.params.maxTasksPerNode) e.label = 'TOO_MANY_TASKS'
    else {
      seen.add(id)
      e.label = 'OK'
    }
  }

  // 3. committees per task, honest majority
  const committeeMembers = new Map<string, Entry[]>()
  for (const e of entries) {
    if (e.label !== 'OK') continue
    const id = taskId(e.m.task)
    const list = committeeMembers.get(id)
    if (list) list.push(e)
    else committeeMembers.set(id, [e])
  }
  const consensus = new Map<string, ConsensusEvaluation>()
  const committees: CommitteeResult[] = []
  for (const members of committeeMembers.values()) {
    const { decision, labels } = evaluateCommittee(
      members.map((e) => e.m),
      ctx.params.minCommitteeSize,
      committeeFields,
    )
    const counts: Record<string, number> = {}
    members.forEach((e, i) => {
      consensus.set(e.cid, labels[i] as ConsensusEvaluation)
      counts[e.m.retrievalResult] = (counts[e.m.retrievalResult] ?? 0) + 1
    })
    const first = (members[0] as Entry).m
    committees.push({
      task: { cid: first.task.cid, minerId: first.task.minerId },
      size: members.length,
      ...decision,
      counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => compareStrings(a, b))),
      measurements: members.map((e) => e.cid),
    })
  }
  committees.sort((a, b) => compareTasks(a.task, b.task))

  // 4. scores
  const providers = scoreProviders(
    committees.map((c) => ({
      minerId: c.task.minerId,
      retrievalResult: c.retrievalResult,
      memberResults: Object.entries(c.counts).flatMap(([code, n]) => Array<string>(n).fill(code)),
    })),
  )

  return {
    network: ctx.params.network,
    round: ctx.round,
    measurements: entries.map((e) => ({
      cid: e.cid,
      stationId: e.m.stationId,
      task: e.m.task,
      retrievalResult: e.m.retrievalResult,
      taskingEvaluation: e.label as TaskingEvaluation,
      consensusEvaluation: consensus.get(e.cid) ?? null,
    })),
    dropped: dropped.sort((a, b) => compareStrings(a.cid, b.cid)),
    committees,
    providers,
  }
}
