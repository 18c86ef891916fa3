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

export type AdversaryKind =
  /** Report every retrieval as failed. */
  | 'always-fail'
  /** Report every retrieval as OK without retrieving (must guess byte length and checksum). */
  | 'always-ok'
  /** Copy another member's published answer when one exists, else skip. */
  | 'copier'
  /** Skip a share of its tasks. */
  | 'lazy'
  /** Many identities in one /24. */
  | 'sybil-one-group'
  /** Many identities spread over many /24s. */
  | 'sybil-spread'
  /** Creates identities after the round seed is known, to land in chosen committees. */
  | 'grinding'
  /** Colludes with a provider: reports it OK whatever happens. */
  | 'colluding'

export interface AdversaryModel {
  kind: AdversaryKind
  /** Share of all nodes (0–1) that are adversaries of this kind. */
  share: number
  /** lazy: share of tasks skipped; grinding: identities tried per round; colluding: the provider. */
  skipShare?: number
  identitiesPerRound?: number
  targetMinerId?: string
  /** always-ok: probability of guessing the right checksum (default 0: checksums are unguessable). */
  guessRate?: number
  /**
   * Extension: the result code liars report (always-fail, sybil-*, grinding; default HTTP_502;
   * e.g. TIMEOUT). Any code a measurement can carry except OK.
   */
  failureCode?: string
}

export interface Scenario {
  name?: string
  seed: string
  nodes: number
  /** Distinct /24 groups the honest nodes are spread over (default: one per node). */
  inetGroups?: number
  tasksPerRound: number
  maxTasksPerNode: number
  minCommitteeSize: number
  rounds: number
  providers: ProviderModel[]
  adversaries?: AdversaryModel[]
  /** Nodes joining/leaving per round, as a share of nodes. */
  churn?: number
  /** Probability a gossip message is lost on its way to the evaluating node. */
  messageLoss?: number
  /** Probability a message arrives after the grace period (dropped from evaluation). */
  lateDelivery?: number
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
