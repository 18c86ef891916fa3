import {
  deriveRoundSeeds,
  evaluateRound,
  type MeasurementRecord,
  type RetrievalTask,
  type RoundEvaluation,
  type RoundSeeds,
  sampleRoundTasks,
  TaskSelector,
} from '@spark-swarm/protocol'
import { type AdversaryBehaviour, behaviourOf, type TaskCheck } from './adversaries.js'
import { grind } from './grind.js'
import type { OutcomeFields } from './outcomes.js'
import type { RecordPool } from './pool.js'
import type { Population } from './population.js'
import { inKeyOrder } from './record-order.js'
import { Rng } from './rng.js'
import { honestOutcome, OK, RoundMeasurements } from './round-measurements.js'
import { type RoundStats, reduceEvaluation } from './round-stats.js'
import type { AdversaryModel } from './types.js'
import type { Item, ProviderInfo, World } from './world.js'

export interface RoundOutput {
  stats: RoundStats
  /** The protocol's evaluation of the round (only with `keepEvaluation`). */
  evaluation?: RoundEvaluation
}

/** A round's draws and tasks, shared by the steps that simulate it. */
interface RoundSetup {
  round: number
  seeds: RoundSeeds
  tasks: RetrievalTask[]
  items: Item[]
  selector: TaskSelector
  /** The round's outcome stream: honest retrievals, adversaries' choices, copies (in that order). */
  rng: Rng
  measurements: RoundMeasurements
}

/** What the honest nodes answered per task (for copiers, and grinders who know the committees). */
interface HonestAnswers {
  ok: Uint32Array
  total: Uint32Array
  firstFailure: Array<OutcomeFields | undefined>
}

/** The one `TaskCheck` of a round, rewritten per node and task (see `TaskCheck`). */
class RoundTaskCheck implements TaskCheck {
  // set before every use (check(), per node and task); a class field so every instance has one shape
  item!: Item
  target: ProviderInfo | null = null
  failure: OutcomeFields | null = null
  slot = 0
  station = ''
  group = ''
  task = 0
  readonly rng: Rng
  readonly #measurements: RoundMeasurements

  constructor(rng: Rng, measurements: RoundMeasurements) {
    this.rng = rng
    this.#measurements = measurements
  }

  retrieve(): OutcomeFields {
    return honestOutcome(this.rng, this.slot, this.item.provider)
  }

  report(fields: OutcomeFields, checksum: string): void {
    this.#measurements.emit(this.station, this.group, this.task, fields, checksum, true)
  }
}

/**
 * Every node but the copiers and grinders, in slot order: it picks its K tasks with the
 * protocol's TaskSelector and reports each, honestly or as its kind attests. Returns the honest
 * answers and the slots left for later.
 */
function checkTasks(world: World, population: Population, r: RoundSetup) {
  const { slotKind, slotGroup, adversaries } = world
  const { items, selector, rng, measurements } = r
  const k = world.params.maxTasksPerNode
  const taskCount = r.tasks.length
  const honest: HonestAnswers = { ok: new Uint32Array(taskCount), total: new Uint32Array(taskCount), firstFailure: new Array(taskCount) }
  const copiers: number[] = []
  const grinders: number[][] = adversaries.map(() => [])
  const behaviours = adversaries.map(behaviourOf)
  const check = new RoundTaskCheck(rng, measurements)
  for (let s = 0; s < slotKind.length; s++) {
    const kind = slotKind[s] as number
    const station = population.stationIds[s] as string
    const group = slotGroup[s] as string
    if (kind < 0) {
      for (const t of selector.pickIndices(station, k)) {
        const item = items[t] as Item
        const f = honestOutcome(rng, s, item.provider)
        honest.total[t] = (honest.total[t] as number) + 1
        if (f === OK) honest.ok[t] = (honest.ok[t] as number) + 1
        else honest.firstFailure[t] ??= f
        measurements.emit(station, group, t, f, item.checksum, false)
      }
      continue
    }
    const adversary = adversaries[kind] as AdversaryModel
    const behaviour = behaviours[kind] as AdversaryBehaviour<AdversaryModel>
    switch (behaviour.part) {
      case 'grinds':
        ;(grinders[kind] as number[]).push(s)
        break
      case 'copies':
        copiers.push(s)
        break
      case 'checks':
        check.slot = s
        check.station = station
        check.group = group
        check.target = world.targets[kind] ?? null
        check.failure = world.failureOf[kind] ?? null
        for (const t of selector.pickIndices(station, k)) {
          check.item = items[t] as Item
          check.task = t
          behaviour.attest(adversary, check)
        }
        break
      default:
        behaviour satisfies never
    }
  }
  return { honest, copiers, grinders }
}

/** Copiers report a random honest answer to each of their tasks (none where nobody honest answered). */
function copyAnswers(world: World, population: Population, r: RoundSetup, honest: HonestAnswers, copiers: readonly number[]): void {
  const k = world.params.maxTasksPerNode
  for (const s of copiers) {
    const station = population.stationIds[s] as string
    for (const t of r.selector.pickIndices(station, k)) {
      const total = honest.total[t] as number
      if (total === 0) continue
      const ok = r.rng.int(total) < (honest.ok[t] as number)
      const f = ok ? OK : (honest.firstFailure[t] as OutcomeFields)
      r.measurements.emit(station, world.slotGroup[s] as string, t, f, (r.items[t] as Item).checksum, true)
    }
  }
}

/** Each grinding model attacks its target's committees with fresh identities (see `grind`). */
function grindTargets(world: World, r: RoundSetup, honest: HonestAnswers, grinders: readonly number[][]): void {
  grinders.forEach((slots, m) => {
    if (slots.length === 0) return
    const adversary = world.adversaries[m]
    const target = world.targets[m]
    if (adversary === undefined || target === null || target === undefined) return
    const behaviour = behaviourOf(adversary)
    if (behaviour.part !== 'grinds') return
    grind(world, r.round, m, behaviour.identities(adversary), slots, r.selector, r.items, honest.total, (station, group, t) =>
      r.measurements.emit(station, group, t, world.failureOf[m] as OutcomeFields, (r.items[t] as Item).checksum, true),
    )
  })
}

/**
 * Simulates one round: sample the tasks, let every node pick its K tasks with the protocol's
 * TaskSelector and report an outcome by its kind, lose some messages, evaluate what arrived
 * with `evaluateRound` (trusted signatures, the simulator's own sort keys), and reduce the
 * evaluation to `RoundStats`.
 */
export function simulateRound(
  world: World,
  population: Population,
  round: number,
  randomness: string,
  pool: RecordPool,
  { keepEvaluation = false }: { keepEvaluation?: boolean } = {},
): RoundOutput {
  const { scenario, params } = world
  const seeds = deriveRoundSeeds(round, randomness)
  const tasks = sampleRoundTasks(world.catalogue, seeds, params.tasksPerRound)
  const items = tasks.map((t) => world.items.get(t.cid) as Item)
  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  const rng = Rng.for(scenario.seed, 'outcomes', round)
  const deliveryRng = Rng.for(scenario.seed, 'delivery', round)
  const mix = Rng.for(scenario.seed, 'cids', round).nextUint32()
  const measurements = new RoundMeasurements(world, round, tasks, items, pool, deliveryRng)
  const r: RoundSetup = { round, seeds, tasks, items, selector, rng, measurements }

  const { honest, copiers, grinders } = checkTasks(world, population, r)
  copyAnswers(world, population, r, honest, copiers)
  grindTargets(world, r, honest, grinders)

  const { records, adversarial } = inKeyOrder(pool, measurements.delivered, measurements.adversarial, mix)
  const evaluation = evaluateRound({ params, round, seeds, tasks }, records, { signatures: 'trusted' })
  const firstDrop = evaluation.dropped[0]
  if (firstDrop) throw new Error(`simulator bug: the evaluator dropped a simulated measurement (${firstDrop.reason})`)
  // the evaluator lists measurements by sort key, the order of `records`: `adversarial[j]` is measurement j's
  const listed = evaluation.measurements
  if (listed.length !== records.length || listed.some((m, j) => m.cid !== (records[j] as MeasurementRecord).cid)) {
    throw new Error('simulator bug: the evaluator listed measurements out of sort-key order')
  }
  const counts = {
    produced: measurements.produced,
    delivered: measurements.delivered,
    anyAdversarial: measurements.adversarialDelivered > 0,
  }
  const stats = reduceEvaluation(world, round, tasks, evaluation, adversarial, counts)
  return keepEvaluation ? { stats, evaluation } : { stats }
}
