import { Rng } from './rng.js'
import { syntheticStationId, type World } from './world.js'

/**
 * Who is online in each round. Churn retires `round(churn × nodes)` slots per round (drawn with
 * replacement from the round's churn seed) and replaces each with a fresh identity: the slot keeps
 * its kind and inet group, its station id changes. The draws depend on the round alone, so a
 * worker can jump to any round by replaying them without hashing.
 */
export class Population {
  readonly stationIds: string[]
  readonly #world: World
  readonly #generation: Uint32Array
  #round = 0

  constructor(world: World) {
    this.#world = world
    this.#generation = new Uint32Array(world.scenario.nodes)
    this.stationIds = new Array(world.scenario.nodes).fill('')
    for (const s of world.churnable) this.stationIds[s] = syntheticStationId(world.scenario.seed, s, 0)
  }

  /** Applies the churn of every round up to `round` (inclusive); rounds only move forward. */
  advanceTo(round: number): void {
    const { churnable, scenario } = this.#world
    const perRound = Math.round((scenario.churn ?? 0) * churnable.length)
    if (round <= this.#round || perRound === 0 || churnable.length === 0) {
      this.#round = Math.max(this.#round, round)
      return
    }
    const dirty = new Set<number>()
    for (let r = this.#round + 1; r <= round; r++) {
      const rng = Rng.for(scenario.seed, 'churn', r)
      for (let i = 0; i < perRound; i++) {
        const s = churnable[rng.int(churnable.length)] as number
        this.#generation[s] = (this.#generation[s] as number) + 1
        dirty.add(s)
      }
    }
    for (const s of dirty) this.stationIds[s] = syntheticStationId(scenario.seed, s, this.#generation[s] as number)
    this.#round = round
  }
}
