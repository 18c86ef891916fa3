import { compareStrings, fromHex } from '../bytes.js'
import { createTaskIndex, type RetrievalTask } from '../catalogue.js'
import { cidText } from '../cid.js'
import { pushToGroup } from '../group.js'
import { measurementCid, type SignedMeasurement, verifyMeasurementSignature } from '../measurement.js'
import { retrievalResultOf } from '../result-codes.js'
import { mapInSteps, runSteps, STEP_ITEMS, type Steps, sortInSteps } from '../steps.js'
import { TaskSelector } from '../tasker.js'
import { isVersionAtLeast } from '../version.js'
import { type ConsensusEvaluation, evaluateCommittee } from './committee.js'
import type {
  AdmissionSnapshot,
  CommitteeResult,
  DropReason,
  EvaluatedMeasurement,
  EvaluateOptions,
  MeasurementRecord,
  RoundContext,
  RoundEvaluation,
  TaskingEvaluation,
} from './round-types.js'
import { scoreProviders } from './scoring.js'
import { digestBits, sortKeyBits } from './sort-key.js'
import { admissionLabeller, roundAdmission } from './tasking-v2.js'

/**
 * What evaluation keeps of a measurement: the fields it decides on, copied out so that the
 * measurement itself (signature, timings, status codes) is not needed after the first pass.
 */
interface Entry {
  cid: string
  station: string
  /** Version 2: whom the measurement checks for; its tasks and duplicates are the participant's. Else null. */
  participant: string | null
  bindingFromRound: number
  bindingSignature: Uint8Array | null
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
function* readEntries(
  ctx: RoundContext,
  input: Iterable<MeasurementRecord>,
  signatures: 'verify' | 'trusted' | 'checked',
): Steps<{ entries: Entry[]; dropped: RoundEvaluation['dropped'] }> {
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
  // a signature costs about 50 µs to verify, and a node's input decodes each record as it is
  // read (about 35 µs): a few dozen records between yields
  const every = signatures === 'verify' ? 32 : 64
  const read: Entry[] = []
  for (const record of input) {
    if (read.length % every === every - 1) yield
    const m = record.measurement
    const cid = signatures === 'verify' ? cidText(measurementCid(m)) : record.cid
    const sortKey = signatures === 'trusted' ? record.sortKey : undefined
    const [hi, lo] = sortKey === undefined ? digestBits(cid) : sortKeyBits(sortKey)
    let label: TaskingEvaluation | null = null
    // a forged signature outranks every other label
    const forged = signatures === 'verify' ? !verifyMeasurementSignature(m) : signatures === 'checked' && record.signatureValid !== true
    if (forged) label = 'INVALID_SIGNATURE'
    else if (!isCurrent(m.checkerVersion)) label = 'OUTDATED_CLIENT'
    read.push({
      cid,
      station: m.stationId,
      participant: m.participant ?? null,
      bindingFromRound: m.bindingFromRound ?? 0,
      bindingSignature: m.bindingSignature ?? null,
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
  const all = yield* sortInSteps(read, byKey)
  const entries: Entry[] = []
  const dropped: RoundEvaluation['dropped'] = []
  for (let i = 0; i < all.length; i++) {
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield
    const e = all[i] as Entry
    if (i > 0 && byKey(all[i - 1] as Entry, e) === 0) continue
    if (e.drop) dropped.push({ cid: e.cid, reason: e.drop })
    else entries.push(e)
  }
  return { entries, dropped }
}

/** Whose tasks a measurement counts toward: its participant's in version 2, else its station's. */
const assignee = (e: Entry) => e.participant ?? e.station

/**
 * Step 1: labels that depend on the measurement alone (version 2: and on the admission
 * snapshot). Returns the entries still unlabelled.
 */
function* labelTasking(
  ctx: RoundContext,
  entries: readonly Entry[],
  admission: AdmissionSnapshot | null,
  bindingCache: Map<string, boolean> | undefined,
): Steps<Entry[]> {
  const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
  const admissionLabel = admission && admissionLabeller(ctx, admission, bindingCache)
  const allowed = new Map<string, Set<number>>()
  const candidates: Entry[] = []
  // a binding new to the cache costs 1.7 ms to verify: with admission, a yield after every entry
  const every = admissionLabel ? 1 : STEP_ITEMS
  let seen = 0
  for (const e of entries) {
    if (++seen % every === 0) yield
    if (e.label !== null) continue
    if (admissionLabel) {
      e.label = admissionLabel(e)
      if (e.label !== null) continue
    }
    if (e.task < 0) {
      e.label = 'TASK_NOT_IN_ROUND'
      continue
    }
    const who = assignee(e)
    let mine = allowed.get(who)
    if (!mine) {
      mine = new Set(selector.pickIndices(who, ctx.params.maxTasksPerNode))
      allowed.set(who, mine)
    }
    if (mine.has(e.task)) candidates.push(e)
    else e.label = 'TASK_WRONG_NODE'
  }
  return candidates
}

/**
 * Step 2: one measurement per station and task, one per inet group and task, K tasks per group;
 * conflicts are settled by the key XOR the round's inet-group seed: an order fixed only once the
 * round seed is known (ties, vanishingly rare, by CID). Version 2 (spec §13.5): one per
 * participant and task, and no group rule: a group nobody can verify decides nothing.
 */
function* settleConflicts(ctx: RoundContext, candidates: readonly Entry[], groupRules: boolean): Steps<void> {
  const seed = fromHex(ctx.seeds.inetGroupOrder)
  // 50 bits of the seed: 18 from its first bytes, then the 32 of bytes 3–6
  const maskHi = (((seed[0] as number) << 10) | ((seed[1] as number) << 2) | ((seed[2] as number) >>> 6)) & 0x3ffff
  const maskLo = (((seed[3] as number) << 24) | ((seed[4] as number) << 16) | ((seed[5] as number) << 8) | (seed[6] as number)) >>> 0
  const orderOf = (e: Entry) => ((e.hi ^ maskHi) >>> 0) * 2 ** 32 + ((e.lo ^ maskLo) >>> 0)
  const keyed = yield* mapInSteps(candidates, (e) => ({ e, order: orderOf(e) }))
  const ordered = yield* sortInSteps(keyed, (a, b) => a.order - b.order || byKey(a.e, b.e))
  const assigneeTasks = new Map<string, Set<number>>()
  const groupTasks = new Map<string, Set<number>>()
  let settled = 0
  for (const { e } of ordered) {
    if (++settled % STEP_ITEMS === 0) yield
    const who = assignee(e)
    let done = assigneeTasks.get(who)
    if (!done) {
      done = new Set()
      assigneeTasks.set(who, done)
    }
    if (done.has(e.task)) {
      e.label = 'DUPLICATE'
      continue
    }
    done.add(e.task)
    if (!groupRules) {
      e.label = 'OK'
      continue
    }
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
function* formCommittees(ctx: RoundContext, entries: readonly Entry[]): Steps<CommitteeResult[]> {
  const committeeMembers = new Map<number, Entry[]>()
  for (let i = 0; i < entries.length; i++) {
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield
    const e = entries[i] as Entry
    if (e.label === 'OK') pushToGroup(committeeMembers, e.task, e)
  }
  const committees: CommitteeResult[] = []
  // a yield after about STEP_ITEMS members, whatever the committees' sizes
  let counted = 0
  for (const [task, members] of committeeMembers) {
    counted += members.length
    if (counted >= STEP_ITEMS) {
      counted = 0
      yield
    }
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

/** An entry's verdict; version 1's has exactly the fields it always had, version 2's names the participant. */
function evaluatedMeasurement(e: Entry): EvaluatedMeasurement {
  const verdict = { taskingEvaluation: e.label as TaskingEvaluation, consensusEvaluation: e.consensus }
  if (e.participant === null) return { cid: e.cid, stationId: e.station, task: e.taskRef, retrievalResult: e.retrievalResult, ...verdict }
  return { cid: e.cid, stationId: e.station, participant: e.participant, task: e.taskRef, retrievalResult: e.retrievalResult, ...verdict }
}

/**
 * Evaluates one round from the measurements a node holds: drop what does not belong to the
 * round, label tasking fraud, form committees per task and find the honest majority, then score
 * providers three ways. Pure and deterministic: the result depends on the set of measurements,
 * never on their order or on duplicates of the same bytes.
 */
export function evaluateRound(ctx: RoundContext, input: Iterable<MeasurementRecord>, options: EvaluateOptions = {}): RoundEvaluation {
  return runSteps(evaluateRoundInSteps(ctx, input, options))
}

/**
 * `evaluateRound` cut into steps of a few milliseconds each (`Steps`): a node drives it between
 * its other work, so that a round of 250,000 measurements does not hold its event loop for
 * seconds. Driven to the end, it returns exactly what `evaluateRound` returns.
 */
export function* evaluateRoundInSteps(
  ctx: RoundContext,
  input: Iterable<MeasurementRecord>,
  { signatures = 'verify', bindingCache }: EvaluateOptions = {},
): Steps<RoundEvaluation> {
  const admission = roundAdmission(ctx)
  const { entries, dropped } = yield* readEntries(ctx, input, signatures)
  const candidates = yield* labelTasking(ctx, entries, admission, bindingCache)
  yield* settleConflicts(ctx, candidates, admission === null)
  const committees = yield* formCommittees(ctx, entries)
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
    measurements: yield* mapInSteps(entries, evaluatedMeasurement),
    dropped,
    committees,
    providers,
  }
}
