import { type OutcomeFields, outcomeFields } from './outcomes.js'
import type { Rng } from './rng.js'
import type { AdversaryKind, AdversaryModel } from './types.js'
import type { Item, ProviderInfo } from './world-types.js'

/*
 * What each adversary kind does, in one table: where its nodes sit, how they take part in a
 * round, and what they report for a task. A kind added to `AdversaryModel` is a compile error
 * here until it has its row; the world and the round read nothing else about kinds.
 */

const OK = outcomeFields('OK') as OutcomeFields

/**
 * One task as a checking adversary meets it. The round keeps one of these and rewrites it per
 * node and task, so that the hot loop allocates nothing.
 */
export interface TaskCheck {
  /** The task's content and provider. */
  item: Item
  /** The model's target provider, or null. */
  target: ProviderInfo | null
  /** The outcome the model's liars report (kinds with a `failureCode`), else null. */
  failure: OutcomeFields | null
  /** The round's outcome stream (draw order is part of the result: same draws, same run). */
  rng: Rng
  /** What an honest retrieval by this node would see (draws from `rng`). */
  retrieve(): OutcomeFields
  /** Publishes a measurement of the task with these outcome fields and CAR checksum. */
  report(fields: OutcomeFields, checksum: string): void
}

/**
 * How a kind's nodes take part in a round:
 * - `checks`: picks its tasks like every node, in turn with the honest nodes, and `attest`s each;
 * - `copies`: picks its tasks and, once every honest node has reported, copies an honest answer
 *   (a random one of that task's) or skips a task nobody honest reported;
 * - `grinds`: has no lasting identity (churn passes it by); once the round seed is known it mints
 *   `identities` station ids, keeps those whose tasks hit the target, and fails the target's
 *   cheapest committees (`grind.ts`).
 */
export type RoundPart<A extends AdversaryModel> =
  | { part: 'checks'; attest(adversary: A, task: TaskCheck): void }
  | { part: 'copies' }
  | { part: 'grinds'; identities(adversary: A): number }

export type AdversaryBehaviour<A extends AdversaryModel> = RoundPart<A> & {
  /** Its nodes' inet groups: a /24 each, or one /24 for all nodes of the model. */
  inetGroups: 'one-each' | 'one-for-the-model'
}

/** Lies about the target (or, without one, every provider); retrieves honestly otherwise. */
function lie(_: AdversaryModel, task: TaskCheck): void {
  const lies = task.target === null || task.item.provider === task.target
  task.report(lies ? (task.failure as OutcomeFields) : task.retrieve(), task.item.checksum)
}

/** The behaviour table. Its key order is the order the scenario parser lists kinds in. */
export const ADVERSARY_BEHAVIOURS: { [K in AdversaryKind]: AdversaryBehaviour<Extract<AdversaryModel, { kind: K }>> } = {
  'always-fail': { part: 'checks', inetGroups: 'one-each', attest: lie },
  'always-ok': {
    part: 'checks',
    inetGroups: 'one-each',
    attest: (a, task) => task.report(OK, task.rng.chance(a.guessRate) ? task.item.checksum : task.item.fakeChecksum),
  },
  copier: { part: 'copies', inetGroups: 'one-each' },
  lazy: {
    part: 'checks',
    inetGroups: 'one-each',
    attest: (a, task) => {
      if (!task.rng.chance(a.skipShare)) task.report(task.retrieve(), task.item.checksum)
    },
  },
  'sybil-one-group': { part: 'checks', inetGroups: 'one-for-the-model', attest: lie },
  'sybil-spread': { part: 'checks', inetGroups: 'one-each', attest: lie },
  grinding: { part: 'grinds', inetGroups: 'one-each', identities: (a) => a.identitiesPerRound },
  colluding: {
    part: 'checks',
    inetGroups: 'one-each',
    attest: (_, task) => task.report(task.item.provider === task.target ? OK : task.retrieve(), task.item.checksum),
  },
  // its participants' tasks are fixed before the seed; knowing them, it spends its voice on the target only
  'deposit-holder': {
    part: 'checks',
    inetGroups: 'one-each',
    attest: (_, task) => {
      if (task.item.provider === task.target) task.report(task.failure as OutcomeFields, task.item.checksum)
    },
  },
}

/** Every kind, in the table's order. */
export const ADVERSARY_KINDS = Object.keys(ADVERSARY_BEHAVIOURS) as AdversaryKind[]

/** The behaviour of `adversary`'s kind, typed for its model (the one place the table is indexed). */
export function behaviourOf<A extends AdversaryModel>(adversary: A): AdversaryBehaviour<A> {
  return ADVERSARY_BEHAVIOURS[adversary.kind] as unknown as AdversaryBehaviour<A>
}
