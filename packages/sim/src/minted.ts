import { type BoundParticipant, bindParticipant } from './participants.js'
import { syntheticStationId, type World } from './world.js'

/*
 * The identities a grinder mints once a round's seed is out. In version 1 a station id is the
 * identity its tasks follow, so each round's are fresh. In version 2 tasks follow a participant,
 * and one minted after the seed was never funded at the round's eligibility height: a pool signed
 * once per run and reused every round is therefore as good to the grinder as fresh keys (none is
 * ever eligible), and costs one signature per identity instead of one per identity and round.
 */

/** A grinder's identities for one round: whose tasks each takes, and what its measurements carry. */
export interface MintedIdentities {
  /** Per identity: the string its tasks follow (station id in version 1, participant in version 2). */
  assignees: readonly string[]
  stations: readonly string[]
  /** Version 2 only: each participant's binding of its station; null in version 1. */
  bindings: ReadonlyArray<Uint8Array> | null
}

/** Version 1: `count` station ids minted for `round`. */
export function mintedStations(world: World, model: number, round: number, count: number): MintedIdentities {
  const stations = Array.from({ length: count }, (_, j) => syntheticStationId(world.scenario.seed, 'grind', model, round, j))
  return { assignees: stations, stations, bindings: null }
}

/** Version 2: `count` participants, each with its station and a valid binding, none of them funded. */
export function mintedParticipants(world: World, model: number, count: number): MintedIdentities {
  const stations: string[] = []
  const bound: BoundParticipant[] = []
  for (let j = 0; j < count; j++) {
    const station = syntheticStationId(world.scenario.seed, 'grind', model, j)
    stations.push(station)
    bound.push(bindParticipant(world.params.network, station, world.scenario.seed, 'grind', model, j))
  }
  return { assignees: bound.map((b) => b.participant), stations, bindings: bound.map((b) => b.binding) }
}
