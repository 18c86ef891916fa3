import type { CID } from 'multiformats/cid'
import { compareBytes, compareStrings, fromHex } from '../bytes.js'
import { createTaskIndex, type RetrievalTask } from '../catalogue.js'
import { pushToGroup } from '../group.js'
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
  cid: CID
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
  /** Members' measurement CIDs, sorted by digest. */
  measurements: CID[]
}

export interface RoundEvaluation {
  network: string
  round: number
  /** Sorted by CID digest. */
  measurements: EvaluatedMeasurement[]
  dropped: Array<{ cid: CID; reason: DropReason }>
  /** Sorted by task (cid, then minerId). */
  committees: CommitteeResult[]
  providers: Record<string, ProviderScores>
}

interface Entry {
  m: SignedMeasurement
  cid: CID
  /** Copied from `m`: the passes below read entries in CID order, and chasing `m` there is slow. */
  station: string
  group: string
  /** Index of the task in the round, −1 when the task is not in the round. */
  task: number
  /** Why the measurement is not of this round, or null. */
  drop: DropReason | null
  /** The first 48 bits of the CID's digest, as 16 + 32 bits: the sort key and, masked, the conflict order. */
  hi: number
  lo: number
  label: TaskingEvaluation | null
  consensus: ConsensusEvaluation | null
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
  retrievalKey: (m: SignedMeasurement) =>
    JSON.stringify([m.providerId, m.indexerResult, m.providerAddress, m.protocol, m.retrievalResult, m.byteLength, m.carChecksum]),
  indexerResult: (m: SignedMeasurement) => String(m.indexerResult),
  retrievalResult: (m: SignedMeasurement) => m.retrievalResult,
}

const compareTasks = (a: RetrievalTask, b: RetrievalTask) => compareStrings(a.cid, b.cid) || compareStrings(a.minerId, b.minerId)
const byKey = (a: Entry, b: Entry) => a.hi - b.hi || a.lo - b.lo || compareBytes(a.cid.bytes, b.cid.bytes)

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
  const seed = fromHex(ctx.seeds.inetGroupOrder)
  const taskOf = createTaskIndex(ctx.tasks)

  const current = new Map<string, boolean>()
  const isCurrent = (version: string) => {
    let ok = current.get(version)
    if (ok === undefined) {
      ok = isVersionAtLeast(version, ctx.params.minCheckerVersion)
      current.set(version, ok)
    }
    return ok
  }

  // 0. one entry per distinct CID, sorted by digest; what depends on the measurement alone is
  //    read here, in input order
  const all: Entry[] = []
  for (const record of input) {
    const m = record.measurement
    const cid = signatures === 'verify' ? measurementCid(m) : record.cid
    const b = cid.bytes
    const o = b.length - cid.multihash.size
    all.push({
      m,
      cid,
      station: m.stationId,
      group: m.inetGroup,
      task: taskOf(m.task.cid, m.task.minerId) ?? -1,
      drop: dropReason(ctx, m),
      hi: (((b[o] as number) << 8) | (b[o + 1] as number)) >>> 0,
      lo: (((b[o + 2] as number) << 24) | ((b[o + 3] as number) << 16) | ((b[o + 4] as number) << 8) | (b[o + 5] as number)) >>> 0,
      label: isCurrent(m.checkerVersion) ? null : 'OUTDATED_CLIENT',
      consensus: null,
    })
  }
  all.sort(byKey)
  const entries: Entry[] = []
  const dropped: RoundEvaluation['dropped'] = []
  for (let i = 0; i < all.length; i++) {
    const e = all[i] as Entry
    if (i > 0 && byKey(all[i - 1] as Entry, e) === 0) continue
    if (e.drop) dropped.push({ cid: e.cid, reason: e.drop })
    else entries.push(e)
  }

  // 1. labels that depend on the measurement alone
  const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
  const allowed = new Map<string, Set<number>>()
  const candidates: Entry[] = []
  for (const e of entries) {
    // a forged signature outranks every other label
    if (signatures === 'verify' && !verifyMeasurementSignature(e.m)) e.label = 'INVALID_SIGNATURE'
    if (e.label !== null) continue
    if (e.task < 0) {
      e.label = 'TASK_NOT_IN_ROUND'
      continue
    }
    let mine = allowed.get(e.station)
    if (!mine) {
      mine = new Set(selector.pickIndices(e.station, ctx.params.maxTasksPerNode))
      allowed.set(e.station, mine)
    }
    if (mine.has(e.task)) candidates.push(e)
    else e.label = 'TASK_WRONG_NODE'
  }

  // 2. one measurement per station and task, one per inet group and task, K tasks per group;
  //    conflicts are settled by the digest XOR the round's inet-group seed: an order fixed only
  //    once the round seed is known (ties, vanishingly rare, by CID)
  const maskHi = ((seed[0] as number) << 8) | (seed[1] as number)
  const maskLo = (((seed[2] as number) << 24) | ((seed[3] as number) << 16) | ((seed[4] as number) << 8) | (seed[5] as number)) >>> 0
  const orderOf = (e: Entry) => ((e.hi ^ maskHi) >>> 0) * 2 ** 32 + ((e.lo ^ maskLo) >>> 0)
  const ordered = candidates.map((e) => ({ e, order: orderOf(e) }))
  ordered.sort((a, b) => a.order - b.order || byKey(a.e, b.e))
  const stationTasks = new Map<string, Set<number>>()
  const groupTasks = new Map<string, Set<number>>()
  for (const { e } of ordered) {
    let done = stationTasks.get(e.station)
    if (!done) {
      done = new Set()
      stationTasks.set(e.station, done)
    }
    if (done.has(e.task)) {
      e.label = 'DUPLICATE'
      continue
    }
    done.add(e.task)
    let seen = groupTasks.get(e.group)
    if (!seen) {
      seen = new Set()
      groupTasks.set(e.group, seen)
    }
    if (seen.has(e.task)) e.label = 'DUP_INET_GROUP'
    else if (seen.size >= ctx.params.maxTasksPerNode) e.label = 'TOO_MANY_TASKS'
    else {
      seen.add(e.task)
      e.label = 'OK'
    }
  }

  // 3. committees per task (members in CID order), honest majority
  const committeeMembers = new Map<number, Entry[]>()
  for (const e of entries) if (e.label === 'OK') pushToGroup(committeeMembers, e.task, e)
  const committees: CommitteeResult[] = []
  for (const [task, members] of committeeMembers) {
    const { decision, labels } = evaluateCommittee(
      members.map((e) => e.m),
      ctx.params.minCommitteeSize,
      committeeFields,
    )
    const counts: Record<string, number> = {}
    members.forEach((e, i) => {
      e.consensus = labels[i] as ConsensusEvaluation
      counts[e.m.retrievalResult] = (counts[e.m.retrievalResult] ?? 0) + 1
    })
    const t = ctx.tasks[task] as RetrievalTask
    committees.push({
      task: { cid: t.cid, minerId: t.minerId },
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
      counts: c.counts,
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
      consensusEvaluation: e.consensus,
    })),
    dropped,
    committees,
    providers,
  }
}
