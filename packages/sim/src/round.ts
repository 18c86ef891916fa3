import {
  COMMITTEE_TOO_SMALL,
  type CommitteeFields,
  deriveRoundSeeds,
  evaluateCommittee,
  evaluateRound,
  MAJORITY_NOT_FOUND,
  type RetrievalTask,
  type RoundEvaluation,
  sampleRoundTasks,
  TaskSelector,
} from '@spark-swarm/protocol'
import { grind } from './grind.js'
import { type OutcomeFields, outcomeFields } from './outcomes.js'
import type { RecordPool } from './pool.js'
import type { Population } from './population.js'
import { ADVERSARIAL_FLAG, HONEST_FLAG, inKeyOrder } from './record-order.js'
import { Rng } from './rng.js'
import { GENESIS_TIME, type Item, type ProviderInfo, ROUND_DURATION_MS, type World } from './world.js'

/** One provider's scores in one round, as `scoreProviders` computed them. */
export interface ProviderRoundStats {
  reqOk: number
  reqTotal: number
  comOk: number
  comTotal: number
  fracSum: number
  fracCount: number
}

/** What one round contributes to a run: small, plain, and mergeable in round order. */
export interface RoundStats {
  round: number
  /** By provider index (scenario order). */
  providers: ProviderRoundStats[]
  committees: number
  /** Committee size → count. */
  sizes: Record<string, number>
  /** Members over all committees (valid measurements). */
  members: number
  withoutCommittee: number
  tooSmall: number
  majorityNotFound: number
  captured: number
  /** Measurements the nodes produced, and how many reached the evaluating node. */
  measurements: number
  delivered: number
  byTasking: Record<string, number>
  rewards: { honest: number; adversarial: number }
}

export interface RoundOutput {
  stats: RoundStats
  /** The protocol's evaluation of the round (only with `keepEvaluation`). */
  evaluation?: RoundEvaluation
}

const OK = outcomeFields('OK') as OutcomeFields
const CAR_TOO_LARGE = outcomeFields('CAR_TOO_LARGE') as OutcomeFields

/** The honest members' answers of a committee vote on the result alone: an honest result fixes its fields. */
const resultOnly: CommitteeFields<string> = {
  indexKey: () => '',
  retrievalKey: (r) => r,
  indexerResult: () => '',
  retrievalResult: (r) => r,
}

function emptyProviderStats(): ProviderRoundStats {
  return { reqOk: 0, reqTotal: 0, comOk: 0, comTotal: 0, fracSum: 0, fracCount: 0 }
}

/**
 * Simulates one round: sample the tasks, let every node pick its K tasks with the protocol's
 * TaskSelector and report an outcome by its kind, lose some messages, evaluate what arrived
 * with `evaluateRound` (trusted signatures), and reduce the evaluation to `RoundStats`.
 */
export function simulateRound(
  world: World,
  population: Population,
  round: number,
  randomness: string,
  pool: RecordPool,
  { keepEvaluation = false }: { keepEvaluation?: boolean } = {},
): RoundOutput {
  const { scenario, params, slotKind, slotGroup, adversaries } = world
  const seed = scenario.seed
  const seeds = deriveRoundSeeds(round, randomness)
  const tasks = sampleRoundTasks(world.catalogue, seeds, params.tasksPerRound)
  const taskCount = tasks.length
  const items = tasks.map((t) => world.items.get(t.cid) as Item)
  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  const k = params.maxTasksPerNode
  const rng = Rng.for(seed, 'outcomes', round)
  const deliveryRng = Rng.for(seed, 'delivery', round)
  const cidRng = Rng.for(seed, 'cids', round)
  const mixA = cidRng.nextUint32()
  const lossP = 1 - (1 - (scenario.messageLoss ?? 0)) * (1 - (scenario.lateDelivery ?? 0))
  const startAt = GENESIS_TIME + round * ROUND_DURATION_MS + 60_000

  let produced = 0
  let delivered = 0
  let adversarialDelivered = 0
  const flags = pool.flags(world.scenario.nodes * k + 1024)

  const emit = (stationId: string, inetGroup: string, t: number, f: OutcomeFields, checksum: string, adversarial: boolean) => {
    produced++
    if (lossP > 0 && deliveryRng.chance(lossP)) return
    if (adversarial) adversarialDelivered++
    const item = items[t] as Item
    const p = item.provider
    const i = delivered++
    if (i >= flags.length) throw new Error('simulator bug: more measurements than the pool holds')
    flags[i] = adversarial ? ADVERSARIAL_FLAG : HONEST_FLAG
    const m = pool.at(i)
    m.round = round
    m.task = tasks[t] as RetrievalTask
    m.stationId = stationId
    m.inetGroup = inetGroup
    m.indexerResult = f.indexerResult
    m.protocol = f.protocol
    m.providerId = f.withProvider ? p.providerId : null
    m.providerAddress = f.withProvider ? p.providerAddress : null
    m.statusCode = f.statusCode
    m.headStatusCode = f.headStatusCode
    m.timeout = f.timeout
    m.carTooLarge = f.carTooLarge
    m.byteLength = f.withContent ? item.byteLength : null
    m.carChecksum = f.withContent ? checksum : null
    m.startAt = startAt
    // a first byte time on failures too (never null, so the field stays a double); only OK checks it
    m.firstByteAt = startAt + 150
    m.endAt = startAt + 400
    m.retrievalResult = f.code
  }

  /** What an honest checker in `slot` sees when it asks provider `p`. */
  const honestOutcome = (slot: number, p: ProviderInfo): OutcomeFields => {
    if (p.ghost) return CAR_TOO_LARGE
    if ((p.blocked === null || p.blocked[slot] === 0) && rng.chance(p.model.successRate)) return OK
    return (p.failures.length === 1 ? p.failures[0] : p.failures[rng.weighted(p.failureCumulative)]) as OutcomeFields
  }

  // honest answers per task, for copiers (and grinders, who know the committees they attack)
  const honestOk = new Uint32Array(taskCount)
  const honestTotal = new Uint32Array(taskCount)
  const honestFailure: Array<OutcomeFields | undefined> = new Array(taskCount)
  const copiers: number[] = []
  const grinders: number[][] = adversaries.map(() => [])

  for (let s = 0; s < slotKind.length; s++) {
    const kind = slotKind[s] as number
    const adversary = kind >= 0 ? adversaries[kind] : undefined
    if (adversary?.kind === 'grinding') {
      ;(grinders[kind] as number[]).push(s)
      continue
    }
    if (adversary?.kind === 'copier') {
      copiers.push(s)
      continue
    }
    const station = population.stationIds[s] as string
    const group = slotGroup[s] as string
    for (const t of selector.pickIndices(station, k)) {
      const item = items[t] as Item
      const p = item.provider
      if (adversary === undefined) {
        const f = honestOutcome(s, p)
        honestTotal[t] = (honestTotal[t] as number) + 1
        if (f === OK) honestOk[t] = (honestOk[t] as number) + 1
        else honestFailure[t] ??= f
        emit(station, group, t, f, item.checksum, false)
        continue
      }
      const target = world.targets[kind]
      switch (adversary.kind) {
        case 'lazy':
          if (!rng.chance(adversary.skipShare ?? 0.5)) emit(station, group, t, honestOutcome(s, p), item.checksum, true)
          break
        case 'always-ok':
          emit(station, group, t, OK, rng.chance(adversary.guessRate ?? 0) ? item.checksum : item.fakeChecksum, true)
          break
        case 'colluding':
          emit(station, group, t, p === target ? OK : honestOutcome(s, p), item.checksum, true)
          break
        default: {
          // always-fail and both Sybils: lie about the target (or everyone), retrieve honestly otherwise
          const lie = target === null || p === target
          emit(station, group, t, lie ? (world.failureOf[kind] as OutcomeFields) : honestOutcome(s, p), item.checksum, true)
        }
      }
    }
  }

  for (const s of copiers) {
    const station = population.stationIds[s] as string
    for (const t of selector.pickIndices(station, k)) {
      const total = honestTotal[t] as number
      if (total === 0) continue
      const ok = rng.int(total) < (honestOk[t] as number)
      emit(station, slotGroup[s] as string, t, ok ? OK : (honestFailure[t] as OutcomeFields), (items[t] as Item).checksum, true)
    }
  }

  grinders.forEach((slots, m) => {
    if (slots.length === 0) return
    const adversary = adversaries[m]
    const target = world.targets[m]
    if (adversary === undefined || target === null || target === undefined) return
    grind(world, round, m, slots, selector, items, honestTotal, (station, group, t) =>
      emit(station, group, t, world.failureOf[m] as OutcomeFields, (items[t] as Item).checksum, true),
    )
  })

  const records = inKeyOrder(pool, delivered, flags, mixA)
  const evaluation = evaluateRound({ params, round, seeds, tasks }, records, { signatures: 'trusted' })
  const firstDrop = evaluation.dropped[0]
  if (firstDrop) throw new Error(`simulator bug: the evaluator dropped a simulated measurement (${firstDrop.reason})`)
  const stats = reduceEvaluation(world, round, tasks, evaluation, produced, delivered, adversarialDelivered > 0)
  return keepEvaluation ? { stats, evaluation } : { stats }
}

function reduceEvaluation(
  world: World,
  round: number,
  tasks: readonly RetrievalTask[],
  evaluation: RoundEvaluation,
  produced: number,
  delivered: number,
  anyAdversarial: boolean,
): RoundStats {
  const byTasking: Record<string, number> = {}
  let rewardsHonest = 0
  let rewardsAdversarial = 0
  const taskIndex = new Map<RetrievalTask, number>(tasks.map((t, i) => [t, i]))
  const adversarialMembers = anyAdversarial ? new Uint32Array(tasks.length) : null
  const honestMembers: string[][] | null = anyAdversarial ? tasks.map(() => []) : null
  for (const m of evaluation.measurements) {
    const label = m.taskingEvaluation
    byTasking[label] = (byTasking[label] ?? 0) + 1
    if (label !== 'OK') continue
    const adversarial = m.cid.charCodeAt(7) === ADVERSARIAL_FLAG
    if (m.consensusEvaluation === 'MAJORITY_RESULT') {
      if (adversarial) rewardsAdversarial++
      else rewardsHonest++
    }
    if (adversarialMembers && honestMembers) {
      const t = taskIndex.get(m.task) as number
      if (adversarial) adversarialMembers[t] = (adversarialMembers[t] as number) + 1
      else (honestMembers[t] as string[]).push(m.retrievalResult)
    }
  }

  const sizes: Record<string, number> = {}
  let members = 0
  let tooSmall = 0
  let majorityNotFound = 0
  let captured = 0
  const byCid = new Map<string, number>(tasks.map((t, i) => [t.cid, i]))
  for (const c of evaluation.committees) {
    sizes[c.size] = (sizes[c.size] ?? 0) + 1
    members += c.size
    if (c.retrievalResult === COMMITTEE_TOO_SMALL) {
      tooSmall++
      continue
    }
    if (c.retrievalResult === MAJORITY_NOT_FOUND) majorityNotFound++
    if (!adversarialMembers || !honestMembers) continue
    const t = byCid.get(c.task.cid) as number
    if ((adversarialMembers[t] as number) === 0) continue
    // the counterfactual: the same committee's honest members alone, by the protocol's majority rule
    const honest = honestMembers[t] as string[]
    const honestResult = honest.length === 0 ? null : evaluateCommittee(honest, 1, resultOnly).decision.retrievalResult
    if (honestResult !== c.retrievalResult) captured++
  }

  const providers = world.providers.map((p) => {
    const s = evaluation.providers[p.minerId]
    if (!s) return emptyProviderStats()
    return {
      reqOk: s.perRequest.successes,
      reqTotal: s.perRequest.total,
      comOk: s.committee.successes,
      comTotal: s.committee.total,
      fracSum: s.committeeFraction.successes,
      fracCount: s.committeeFraction.total,
    }
  })

  return {
    round,
    providers,
    committees: evaluation.committees.length,
    sizes,
    members,
    withoutCommittee: tasks.length - evaluation.committees.length,
    tooSmall,
    majorityNotFound,
    captured,
    measurements: produced,
    delivered,
    byTasking,
    rewards: { honest: rewardsHonest, adversarial: rewardsAdversarial },
  }
}
