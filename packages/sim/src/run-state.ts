import { behaviourOf } from './adversaries.js'
import { type MintedIdentities, mintedParticipants, mintedStations } from './minted.js'
import { RecordPool } from './pool.js'
import { Population } from './population.js'
import type { World } from './world.js'

/**
 * What one run (or one worker's range of rounds) keeps from round to round: who is online, the
 * reused measurements, version 2's verified bindings (`evaluateRound`'s `bindingCache`: each
 * binding is verified once per run, not once per round) and the grinders' minted participants.
 */
export class RunState {
  readonly population: Population
  readonly records: RecordPool
  readonly bindingCache = new Map<string, boolean>()
  readonly #world: World
  readonly #minted = new Map<number, MintedIdentities>()

  constructor(world: World) {
    this.#world = world
    this.population = new Population(world)
    this.records = new RecordPool(world.params)
  }

  /** The identities grinding model `model` holds in `round` (version 2: the same pool every round). */
  minted(model: number, round: number): MintedIdentities {
    const adversary = this.#world.adversaries[model]
    const behaviour = adversary && behaviourOf(adversary)
    if (!adversary || !behaviour || behaviour.part !== 'grinds') throw new Error(`simulator bug: model ${model} does not grind`)
    const count = behaviour.identities(adversary)
    if (this.#world.params.protocolVersion !== 2) return mintedStations(this.#world, model, round, count)
    let pool = this.#minted.get(model)
    if (!pool) {
      pool = mintedParticipants(this.#world, model, count)
      this.#minted.set(model, pool)
    }
    return pool
  }
}
