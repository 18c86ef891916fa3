import { bindParticipant } from './participants.js'
import { Rng } from './rng.js'
import { syntheticStationId, type World } from './world.js'

/**
 * Who is online in each round. Churn retires `round(churn × nodes)` slots per round (drawn with
 * replacement from the round's churn seed) and replaces each with a fresh identity: the slot keeps
 * its kind and inet group, its station id changes. The draws depend on the round alone, so a
 * worker can jump to any round by replaying them without hashing.
 *
 * Version 2: each identity is also a participant funded before the run, with its station's
 * binding signed once when the identity first appears; `eligible` holds every such participant
 * (a churned-out one stays funded, and measures nothing), and tasks follow the participant.
 */
export class Population {
  readonly stationIds: string[]
  /** Whose tasks each slot checks: its participant in version 2, else its station id. */
  readonly assignees: string[]
  /** Version 2, per slot: its participant and the binding of its station (null in version 1). */
  readonly participants: Array<string | null>
  readonly bindings: Array<Uint8Array | null>
  /** Version 2: the participants funded before the run, the admission snapshot's `eligible`. */
  readonly eligible = new Set<string>()
  readonly #world: World
  readonly #generation: Uint32Array
  readonly #v2: boolean
  #round = 0

  constructor(world: World) {
    this.#world = world
    this.#v2 = world.params.protocolVersion === 2
    this.#generation = new Uint32Array(world.scenario.nodes)
    this.stationIds = new Array(world.scenario.nodes).fill('')
    this.participants = new Array(world.scenario.nodes).fill(null)
    this.bindings = new Array(world.scenario.nodes).fill(null)
    // version 1 assigns tasks to the station id: the same array, so nothing is copied or kept twice
    this.assignees = this.#v2 ? new Array(world.scenario.nodes).fill('') : this.stationIds
    for (const s of world.churnable) this.#setIdentity(s, 0)
  }

  #setIdentity(s: number, generation: number): void {
    const station = syntheticStationId(this.#world.scenario.seed, s, generation)
    this.stationIds[s] = station
    if (!this.#v2) return
    const { participant, binding } = bindParticipant(this.#world.params.network, station, this.#world.scenario.seed, s, generation)
    this.participants[s] = participant
    this.bindings[s] = binding
    this.assignees[s] = participant
    this.eligible.add(participant)
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
    for (const s of dirty) this.#setIdentity(s, this.#generation[s] as number)
    this.#round = round
  }
}
