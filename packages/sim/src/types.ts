/*
 * The simulator's inputs and outputs. A scenario is plain JSON (files are validated against it);
 * a result is plain JSON too, so that reports, CSV and the CLI all read the same thing.
 */

/** How a provider behaves, per request: the truth the RSR methods try to estimate. */
export interface ProviderModel {
  minerId: string
  /** Probability that one honest request succeeds. */
  successRate: number
  /** Failure codes and their weights when a request fails (default HTTP_502). */
  failureMix?: Record<string, number>
  /**
   * Region-blocked: requests from these inet-group prefixes always fail; `ghost`: answers
   * CAR_TOO_LARGE to everyone (Spark's "ghost mode").
   */
  kind?: 'normal' | 'region-blocked' | 'ghost'
  blockedGroups?: string[]
}

interface AdversaryBase {
  /** Share of all nodes (0–1) that are adversaries of this kind. */
  share: number
  /**
   * The provider it attacks. always-fail and the Sybils lie about this provider only (about every
   * provider without one); grinding and colluding need one. always-ok, copier and lazy accept it
   * and record it in the result, but it changes nothing they do.
   */
  targetMinerId?: string
}

/** Reports every retrieval as failed (of the target, or of every provider). */
export interface AlwaysFailAdversary extends AdversaryBase {
  kind: 'always-fail'
  /**
   * Extension: the result code it reports (default HTTP_502; e.g. TIMEOUT). Any code a
   * measurement can carry except OK. The same for the Sybils and grinding.
   */
  failureCode: string
}

/** Reports every retrieval as OK without retrieving (must guess byte length and checksum). */
export interface AlwaysOkAdversary extends AdversaryBase {
  kind: 'always-ok'
  /** Probability of guessing the right checksum (default 0: checksums are unguessable). */
  guessRate: number
}

/** Copies another member's published answer when one exists, else skips. */
export interface CopierAdversary extends AdversaryBase {
  kind: 'copier'
}

/** Skips a share of its tasks and retrieves the rest honestly. */
export interface LazyAdversary extends AdversaryBase {
  kind: 'lazy'
  /** Share of its tasks skipped (default 0.5). */
  skipShare: number
}

/** Many identities in one /24, lying like always-fail. */
export interface SybilOneGroupAdversary extends AdversaryBase {
  kind: 'sybil-one-group'
  failureCode: string
}

/** Many identities spread over many /24s, lying like always-fail. */
export interface SybilSpreadAdversary extends AdversaryBase {
  kind: 'sybil-spread'
  failureCode: string
}

/** Creates identities after the round seed is known, to land in the target's committees and fail it. */
export interface GrindingAdversary extends AdversaryBase {
  kind: 'grinding'
  targetMinerId: string
  /** Identities tried per round (default 1000). */
  identitiesPerRound: number
  failureCode: string
}

/**
 * Attacks version 2's admission itself: holds `participants` funded participants (a botnet's worth
 * of deposits, each a node of the scenario), sees the round seed, and publishes only for its
 * tasks of the target, lying; it withholds the rest. Eligible, so its lies count, but its
 * participants were fixed before the seed, so they land on tasks at random.
 */
export interface DepositHolderAdversary extends AdversaryBase {
  kind: 'deposit-holder'
  targetMinerId: string
  /** Funded participants it holds (its nodes); its `share` is derived, `participants / nodes`. */
  participants: number
  failureCode: string
}

/** Colludes with a provider: reports it OK whatever happens, retrieves the others honestly. */
export interface ColludingAdversary extends AdversaryBase {
  kind: 'colluding'
  targetMinerId: string
}

/**
 * A validated adversary model: one kind with its own fields, every default filled in
 * (`validateScenario` makes them). What each kind does is in `ADVERSARY_BEHAVIOURS`; a new kind
 * goes here, there and in the scenario parser's field table, and the compiler names each place.
 */
export type AdversaryModel =
  | AlwaysFailAdversary
  | AlwaysOkAdversary
  | CopierAdversary
  | LazyAdversary
  | SybilOneGroupAdversary
  | SybilSpreadAdversary
  | GrindingAdversary
  | ColludingAdversary
  | DepositHolderAdversary

export type AdversaryKind = AdversaryModel['kind']

/**
 * An adversary as a scenario states it: a kind and any of the fields, defaults left out.
 * `validateScenario` checks that each field applies to the kind and turns it into an
 * `AdversaryModel`.
 */
export interface AdversarySpec {
  kind: AdversaryKind
  /** Required for every kind but deposit-holder, whose share is derived from `participants`. */
  share?: number
  skipShare?: number
  identitiesPerRound?: number
  participants?: number
  targetMinerId?: string
  guessRate?: number
  failureCode?: string
}

export interface Scenario {
  name?: string
  seed: string
  /**
   * The protocol version the simulated network runs (default 1, and then left out of the
   * validated scenario, so that version-1 results stay as they were). Version 2 (spec §13): every
   * node with a lasting identity is a participant funded before the run, tasks follow the
   * participant, and the evaluation takes an admission snapshot.
   */
  protocolVersion?: 1 | 2
  nodes: number
  /** Distinct /24 groups the honest nodes are spread over (default: one per node). */
  inetGroups?: number
  tasksPerRound: number
  maxTasksPerNode: number
  minCommitteeSize: number
  rounds: number
  providers: ProviderModel[]
  adversaries?: AdversarySpec[]
  /** Nodes joining/leaving per round, as a share of nodes. */
  churn?: number
  /** Probability a gossip message is lost on its way to the evaluating node. */
  messageLoss?: number
  /** Probability a message arrives after the grace period (dropped from evaluation). */
  lateDelivery?: number
}

/** A scenario as `validateScenario` returns it: defaults filled in, adversaries as models. */
export interface ValidatedScenario extends Scenario {
  adversaries: AdversaryModel[]
}

/** A success rate estimate with its 95 % interval. */
export interface Estimate {
  rate: number | null
  lower: number | null
  upper: number | null
  samples: number
}

export interface ProviderResult {
  minerId: string
  /** The provider's true per-request success rate (what honest checkers would see). */
  trueRate: number
  perRequest: Estimate
  committee: Estimate
  committeeFraction: Estimate
  /** |estimate − true| per method (null without samples). */
  error: { perRequest: number | null; committee: number | null; committeeFraction: number | null }
}

export interface RunResult {
  scenario: Scenario
  providers: ProviderResult[]
  committees: {
    total: number
    /** Histogram: committee size → count. */
    sizes: Record<string, number>
    meanSize: number
    /** Tasks with no valid measurement at all. */
    withoutCommittee: number
    tooSmall: number
    majorityNotFound: number
    /** Committees whose majority result differs from what the honest members would have said. */
    capturedByAdversaries: number
  }
  measurements: { total: number; valid: number; byTasking: Record<string, number> }
  /** Rewards-relevant: measurements labelled MAJORITY_RESULT, honest vs adversarial. */
  rewards: { honest: number; adversarial: number }
  timing: { ms: number }
}

/** `--sweep key=from:to:step` over any numeric scenario path (e.g. `adversaries.0.share`). */
export interface SweepSpec {
  path: string
  from: number
  to: number
  step: number
  repetitions: number
}

export interface SweepPoint {
  value: number
  runs: RunResult[]
  /** Mean absolute error over providers and repetitions, per method. */
  meanError: { perRequest: number; committee: number; committeeFraction: number }
  meanCaptured: number
}

export interface SweepResult {
  base: Scenario
  sweep: SweepSpec
  points: SweepPoint[]
}
