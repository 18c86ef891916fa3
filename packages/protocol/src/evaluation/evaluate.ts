import { compareStrings, fromHex } from '../bytes.js'
import { createTaskIndex, type RetrievalTask } from '../catalogue.js'
import { cidText } from '../cid.js'
import { pushToGroup } from '../group.js'
import { measurementCid, type SignedMeasurement, verifyMeasurementSignature } from '../measurement.js'
import { retrievalResultOf } from '../result-codes.js'
import { TaskSelector } from '../tasker.js'
import { isVersionAtLeast } from '../version.js'
import { type ConsensusEvaluation, evaluateCommittee } from './committee.js'
import type {
  CommitteeResult,
  DropReason,
  EvaluateOptions,
  MeasurementRecord,
  RoundContext,
  RoundEvaluation,
  TaskingEvaluation,
} from './round-types.js'
import { scoreProviders } from './scoring.js'

/**
 * What evaluation keeps of a measurement: the fields it decides on, copied out so that the
 * measurement itself (signature, timings, status codes) is not needed after the first pass.
 */
interface Entry {
  cid: string
  station: string
  group: string
  /** The measurement's task object, for the output. */
  taskRef: RetrievalTask
  /** Index of the task in the round, −1 when the task is not in the round. */
  task: number
  providerId: string | null
  indexerResult: string | null
  providerAddress: string | null
  protocol: string | null
  retrievalResult: string
  byteLength: number | null
  carChecksum: string | null
  /** Why the measurement is not of this round, or null. */
  drop: DropReason | null
  /**
   * The record's 50-bit sort key as 18 + 32 bits: its `sortKey` when trusted, else 50 bits of the
   * CID's digest read from its base32 text (characters 8–17, past the CIDv1 prefix). Sorts the
   * entries and, masked with the seed, orders conflicts.
   */
  hi: number
  lo: number
  label: TaskingEvaluation | null
  consensus: ConsensusEvaluation | null
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const BASE32_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 32; i++) BASE32_VALUE[BASE32.charCodeAt(i)] = i

/** [hi, lo] from 10 base32 digits of the CID text; zeros when the text is not base32 (ties then go by text). */
function digestBits(cid: string): [number, number] {
  let hi = 0
  let lo = 0
  for (let i = 8; i < 18; i++) {
    const v = BASE32_VALUE[cid.charCodeAt(i)] ?? -1
    if (v < 0) return [0, 0]
    // 50 bits: the first 18 go to hi, the last 32 to lo
    const carry = lo >>> 27
    lo = ((lo << 5) | v) >>> 0
    hi = ((hi << 5) | carry) & 0x3ffff
  }
  return [hi, lo]
}

/** [hi, lo] of an explicit 50-bit sort key (see `MeasurementRecord.sortKey`). */
function sortKeyBits(key: number): [number, number] {
  // a key outside [0, 2^50) would be masked silently into another record's place
  if (!Number.isSafeInteger(key) || key < 0 || key >= 2 ** 50) throw new RangeError(`a sortKey must be an integer in [0, 2^50), got ${key}`)
  return [Math.floor(key / 2 ** 32) & 0x3ffff, key >>> 0]
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

const indexKey = (e: Entry) => JSON.stringify([e.providerId, e.indexerResult, e.providerAddress, e.protocol])
const committeeFields = {
  indexKey,
  retrievalKey: (e: Entry) =>
    JSON.stringify([e.providerId, e.indexerResult, e.providerAddress, e.protocol, e.retrievalResult, e.byteLength, e.carChecksum]),
  indexerResult: (e: Entry) => String(e.indexerResult),
  retrievalResult: (e: Entry) => e.retrievalResult,
}

const compareTasks = (a: RetrievalTask, b: RetrievalTask) => compareStrings(a.cid, b.cid) || compareStrings(a.minerId, b.minerId)
const byKey = (a: Entry, b: Entry) => a.hi - b.hi || a.lo - b.lo || compareStrings(a.cid, b.cid)

/**
 * Step 0: one entry per distinct record, sorted by key; what depends on the measurement alone is
 * read here, in input order. Entries that are not of this round go to `dropped`.
 */
function readEntries(ctx: RoundContext, input: Iterable<MeasurementRecord>, signatures: 'verify' | 'trusted') {
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
  const all: Entry[] = []
  for (const record of input) {
    const m = record.measurement
    const cid = signatures === 'verify' ? cidText(measurementCid(m)) : record.cid
    const sortKey = signatures === 'trusted' ? record.sortKey : undefined
    const [hi, lo] = sortKey === undefined ? digestBits(cid) : sortKeyBits(sortKey)
    let label: TaskingEvaluation | null = null
    // a forged signature outranks every other label
    if (signatures === 'verify' && !verifyMeasurementSignature(m)) label = 'INVALID_SIGNATURE'
    else if (!isCurrent(m.checkerVersion)) label = 'OUTDATED_CLIENT'
    all.push({
      cid,
      station: m.stationId,
      group: m.inetGroup,
      taskRef: m.task,
      task: taskOf(m.task.cid, m.task.minerId) ?? -1,
      providerId: m.providerId,
      indexerResult: m.indexerResult,
      providerAddress: m.providerAddress,
      protocol: m.protocol,
      retrievalResult: m.retrievalResult,
      byteLength: m.byteLength,
      carChecksum: m.carChecksum,
      drop: dropReason(ctx, m),
      hi,
      lo,
      label,
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
  return { entries, dropped }
}

/** Step 1: labels that depend on the measurement alone. Returns the entries still unlabelled. */
function labelTasking(ctx: RoundContext, entries: readonly Entry[]): Entry[] {
  const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
  const allowed = new Map<string, Set<number>>()
  const candidates: Entry[] = []
  for (const e of entries) {
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
  return candidates
}

/**
 * Step 2: one measurement per station and task, one per inet group and task, K tasks per group;
 * conflicts are settled by the key XOR the round's inet-group seed: an order fixed only once the
 * round seed is known (ties, vanishingly rare, by CID).
 */
function settleConflicts(ctx: RoundContext, candidates: readonly Entry[]): void {
  const seed = fromHex(ctx.seeds.inetGroupOrder)
  // 50 bits of the seed: 18 from its first bytes, then the 32 of bytes 3–6
  const maskHi = (((seed[0] as number) << 10) | ((seed[1] as number) << 2) | ((seed[2] as number) >>> 6)) & 0x3ffff
  const maskLo = (((seed[3] as number) << 24) | ((seed[4] as number) << 16) | ((seed[5] as number) << 8) | (seed[6] as number)) >>> 0
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
}

/** Step 3: committees per task (members in entry order), honest majority; sorted by task. */
function formCommittees(ctx: RoundContext, entries: readonly Entry[]): CommitteeResult[] {
  const committeeMembers = new Map<number, Entry[]>()
  for (const e of entries) if (e.label === 'OK') pushToGroup(committeeMembers, e.task, e)
  const committees: CommitteeResult[] = []
  for (const [task, members] of committeeMembers) {
    const { decision, labels } = evaluateCommittee(members, ctx.params.minCommitteeSize, committeeFields)
    const counts: Record<string, number> = {}
    members.forEach((e, i) => {
      e.consensus = labels[i] as ConsensusEvaluation
      counts[e.retrievalResult] = (counts[e.retrievalResult] ?? 0) + 1
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
  return committees
}

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
  const { entries, dropped } = readEntries(ctx, input, signatures)
  settleConflicts(ctx, labelTasking(ctx, entries))
  const committees = formCommittees(ctx, entries)
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
      stationId: e.station,
      task: e.taskRef,
      retrievalResult: e.retrievalResult,
      taskingEvaluation: e.label as TaskingEvaluation,
      consensusEvaluation: e.consensus,
    })),
    dropped,
    committees,
    providers,
  }
}
