import type { RetrievalTask } from '@spark-swarm/protocol'
import { type OutcomeFields, outcomeFields } from './outcomes.js'
import type { RecordPool } from './pool.js'
import type { Rng } from './rng.js'
import { GENESIS_TIME, type Item, type ProviderInfo, ROUND_DURATION_MS, type World } from './world.js'

export const OK = outcomeFields('OK') as OutcomeFields
const CAR_TOO_LARGE = outcomeFields('CAR_TOO_LARGE') as OutcomeFields

/** What an honest checker in `slot` sees when it asks provider `p` (draws from the round's outcome stream). */
export function honestOutcome(rng: Rng, slot: number, p: ProviderInfo): OutcomeFields {
  if (p.ghost) return CAR_TOO_LARGE
  if ((p.blocked === null || p.blocked[slot] === 0) && rng.chance(p.model.successRate)) return OK
  return (p.failures.length === 1 ? p.failures[0] : p.failures[rng.weighted(p.failureCumulative)]) as OutcomeFields
}

/**
 * The measurements of one round as they reach the evaluating node: each report loses its way
 * with the scenario's loss and lateness, and what arrives is written into the pool's next
 * measurement, with whether an adversary made it beside it (`adversarial`, by pool index).
 */
export class RoundMeasurements {
  produced = 0
  delivered = 0
  adversarialDelivered = 0
  /** Per delivered measurement (pool index): 1 when an adversary made it. */
  readonly adversarial: Uint8Array
  readonly #pool: RecordPool
  readonly #round: number
  readonly #tasks: readonly RetrievalTask[]
  readonly #items: readonly Item[]
  readonly #deliveryRng: Rng
  readonly #lossP: number
  readonly #startAt: number

  constructor(world: World, round: number, tasks: readonly RetrievalTask[], items: readonly Item[], pool: RecordPool, deliveryRng: Rng) {
    const { scenario } = world
    this.#pool = pool
    this.#round = round
    this.#tasks = tasks
    this.#items = items
    this.#deliveryRng = deliveryRng
    this.#lossP = 1 - (1 - (scenario.messageLoss ?? 0)) * (1 - (scenario.lateDelivery ?? 0))
    this.#startAt = GENESIS_TIME + round * ROUND_DURATION_MS + 60_000
    this.adversarial = pool.flags(scenario.nodes * world.params.maxTasksPerNode + 1024)
  }

  /**
   * One node's report of task `t` (index in the round's tasks). `participant` and `binding` are
   * version 2's (spec §13.3), null in version 1, whose measurements have no such fields.
   */
  emit(
    stationId: string,
    participant: string | null,
    binding: Uint8Array | null,
    inetGroup: string,
    t: number,
    f: OutcomeFields,
    checksum: string,
    adversarial: boolean,
  ): void {
    this.produced++
    if (this.#lossP > 0 && this.#deliveryRng.chance(this.#lossP)) return
    if (adversarial) this.adversarialDelivered++
    const item = this.#items[t] as Item
    const p = item.provider
    const i = this.delivered++
    if (i >= this.adversarial.length) throw new Error('simulator bug: more measurements than the pool holds')
    this.adversarial[i] = adversarial ? 1 : 0
    const m = this.#pool.at(i)
    const startAt = this.#startAt
    m.round = this.#round
    m.task = this.#tasks[t] as RetrievalTask
    m.stationId = stationId
    if (participant !== null) {
      m.participant = participant
      m.bindingSignature = binding as Uint8Array
    }
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
}
