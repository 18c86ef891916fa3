import {
  type AdmissionSnapshot,
  deriveRoundSeeds,
  eligibilityHeight,
  evaluateRound,
  type MeasurementRecord,
  type RetrievalTask,
  type RoundEvaluation,
  type RoundSeeds,
  roundStartTime,
  sampleRoundTasks,
  TaskSelector,
} from '@spark-swarm/protocol'
import { type AdversaryBehaviour, behaviourOf, type TaskCheck } from './adversaries.js'
import { grind } from './grind.js'
import type { OutcomeFields } from './outcomes.js'
import type { Population } from './population.js'
import { inKeyOrder } from './record-order.js'
import { Rng } from './rng.js'
import { honestOutcome, OK, RoundMeasurements } from './round-measurements.js'
import { type RoundStats, reduceEvaluation } from './round-stats.js'
import type { RunState } from './run-state.js'
import type { AdversaryModel } from './types.js'
import type { Item, ProviderInfo, World } from './world.js'

export interface RoundOutput {
  stats: RoundStats
  /** The protocol's evaluation of the round (only with `keepEvaluation`). */
  evaluation?: RoundEvaluation
  /** With the evaluation: per listed measurement (same index), 1 when an adversary made it (a copy). */
  adversarial?: Uint8Array
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
  participant: string | null = null
  binding: Uint8Array | null = null
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
    this.#measurements.emit(this.station, this.participant, this.binding, this.group, this.task, fields, checksum, true)
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
    const participant = population.participants[s] as string | null
    const binding = population.bindings[s] as Uint8Array | null
    // whose tasks: the participant's in version 2 (spec §13.5), else the station's
    const assignee = population.assignees[s] as string
    const group = slotGroup[s] as string
    if (kind < 0) {
      for (const t of selector.pickIndices(assignee, k)) {
        const item = items[t] as Item
        const f = honestOutcome(rng, s, item.provider)
        honest.total[t] = (honest.total[t] as number) + 1
        if (f === OK) honest.ok[t] = (honest.ok[t] as number) + 1
        else honest.firstFailure[t] ??= f
        measurements.emit(station, participant, binding, group, t, f, item.checksum, false)
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
        check.participant = participant
        check.binding = binding
        check.group = group
        check.target = world.targets[kind] ?? null
        check.failure = world.failureOf[kind] ?? null
        for (const t of selector.pickIndices(assignee, k)) {
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
    const participant = population.participants[s] as string | null
    const binding = population.bindings[s] as Uint8Array | null
    for (const t of r.selector.pickIndices(population.assignees[s] as string, k)) {
      const total = honest.total[t] as number
      if (total === 0) continue
      const ok = r.rng.int(total) < (honest.ok[t] as number)
      const f = ok ? OK : (honest.firstFailure[t] as OutcomeFields)
      r.measurements.emit(station, participant, binding, world.slotGroup[s] as string, t, f, (r.items[t] as Item).checksum, true)
    }
  }
}

/**
 * Each grinding model attacks its target's committees with identities minted after the seed (see
 * `grind`). In version 2 they are participants nobody funded: the evaluation, not the simulator,
 * decides what their measurements are worth.
 */
function grindTargets(world: World, run: RunState, r: RoundSetup, honest: HonestAnswers, grinders: readonly number[][]): void {
  grinders.forEach((slots, m) => {
    if (slots.length === 0) return
    const target = world.targets[m]
    if (target === null || target === undefined) return
    const minted = run.minted(m, r.round)
    grind(world, m, minted.assignees, slots, r.selector, r.items, honest.total, (j, group, t) => {
      const participant = minted.bindings === null ? null : (minted.assignees[j] as string)
      const binding = minted.bindings === null ? null : (minted.bindings[j] as Uint8Array)
      const f = world.failureOf[m] as OutcomeFields
      r.measurements.emit(minted.stations[j] as string, participant, binding, group, t, f, (r.items[t] as Item).checksum, true)
    })
  })
}

/** Version 2's admission snapshot (spec §13.4): the round's own height, and the participants funded before the run. */
function admissionOf(world: World, population: Population, round: number): AdmissionSnapshot | undefined {
  const { params } = world
  if (params.protocolVersion !== 2 || params.admission === undefined) return undefined
  return { height: eligibilityHeight(params.admission, roundStartTime(params, round)), eligible: population.eligible }
}

/**
 * Simulates one round: sample the tasks, let every node pick its K tasks with the protocol's
 * TaskSelector and report an outcome by its kind, lose some messages, evaluate what arrived
 * with `evaluateRound` (trusted signatures, the simulator's own sort keys), and reduce the
 * evaluation to `RoundStats`.
 */
export function simulateRound(
  world: World,
  run: RunState,
  round: number,
  randomness: string,
  { keepEvaluation = false }: { keepEvaluation?: boolean } = {},
): RoundOutput {
  const { population, records: pool } = run
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
  grindTargets(world, run, r, honest, grinders)

  const { records, adversarial } = inKeyOrder(pool, measurements.delivered, measurements.adversarial, mix)
  const admission = admissionOf(world, population, round)
  const ctx = admission === undefined ? { params, round, seeds, tasks } : { params, round, seeds, tasks, admission }
  const evaluation = evaluateRound(ctx, records, { signatures: 'trusted', bindingCache: run.bindingCache })
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
  return keepEvaluation ? { stats, evaluation, adversarial: adversarial.slice(0, records.length) } : { stats }
}
