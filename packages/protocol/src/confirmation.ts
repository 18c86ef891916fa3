import { taskId } from './catalogue.js'
import type { RoundEvaluation } from './evaluation/round-types.js'
import { runSteps, STEP_ITEMS, type Steps } from './steps.js'
import type { CommitteeBlock } from './summary.js'

/**
 * A committee block as far as confirmation needs it (spec §12.6): its `size` field and its
 * members, the stations of the measurements it lists.
 */
export interface CommitteeMembership {
  size: number
  members: ReadonlySet<string>
}

/** What confirmation needs to know of one listed measurement, once its bytes were checked. */
export interface ListedMeasurement {
  stationId: string
  network: string
  round: number
  /** `taskId(task)`. */
  taskId: string
  /** Version 2: the participant it checks for (spec §13.3). */
  participant?: string
}

/**
 * The members of every committee of an evaluation, by task id: the stations of the measurements
 * its committee block lists (spec §9, `list_c`). Its `size` is the committee's.
 */
export function committeeMemberships(evaluation: RoundEvaluation): Map<string, CommitteeMembership> {
  return runSteps(committeeMembershipsInSteps(evaluation))
}

/** `committeeMemberships` cut into steps (`Steps`), for a node to drive between its other work. */
export function* committeeMembershipsInSteps(evaluation: RoundEvaluation): Steps<Map<string, CommitteeMembership>> {
  const stationOf = new Map<string, string>()
  let seen = 0
  for (const m of evaluation.measurements) {
    if (++seen % STEP_ITEMS === 0) yield
    stationOf.set(m.cid, m.stationId)
  }
  const out = new Map<string, CommitteeMembership>()
  for (const c of evaluation.committees) {
    yield
    const members = new Set<string>()
    for (const cid of c.measurements) {
      const station = stationOf.get(cid)
      if (station !== undefined) members.add(station)
    }
    out.set(taskId(c.task), { size: c.size, members })
  }
  return out
}

/**
 * The members of a committee block read from the network (spec §12.6): the stations of those
 * listed measurements the caller holds and checked (signature, CID) that are of the block's
 * network, round and task. `listed` is the length of the block's measurement list: a block whose
 * `size` is not that length contradicts itself, and nobody counts for it (undefined), so that a
 * block cannot list an honest committee and claim a size its one attester is a majority of.
 * Likewise a block that lists two measurements of one participant (version 2): the evaluation
 * labels the second DUPLICATE, so no honest block does, and one deposit behind k bound stations
 * would otherwise be k members attesting a block of size k.
 */
export function committeeBlockMembership(
  block: Pick<CommitteeBlock, 'network' | 'round' | 'task' | 'size'>,
  listed: number,
  measurements: Iterable<ListedMeasurement>,
): CommitteeMembership | undefined {
  if (block.size !== listed) return undefined
  const id = taskId(block.task)
  const members = new Set<string>()
  const participants = new Set<string>()
  for (const m of measurements) {
    if (m.network !== block.network || m.round !== block.round || m.taskId !== id) continue
    if (m.participant !== undefined) {
      if (participants.has(m.participant)) return undefined
      participants.add(m.participant)
    }
    members.add(m.stationId)
  }
  return { size: block.size, members }
}

/**
 * Spec §12.6: of the stations that attested committee block X, those that count are members of
 * X; X is confirmed when they are a strict majority of X's own `size`. An attester that was
 * assigned the task but measured nothing (or whose measurement is not in X) counts for nothing.
 */
export function countConfirmation(block: CommitteeMembership, attesters: Iterable<string>): { attesters: number; confirmed: boolean } {
  const counted = new Set<string>()
  for (const station of attesters) if (block.members.has(station)) counted.add(station)
  return { attesters: counted.size, confirmed: 2 * counted.size > block.size }
}
