import { type Attestation, encodeAttestation, type ProtocolParams, taskId } from '@spark-swarm/protocol'
import type { NodeStore } from '../../store/index.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { Logger } from '../logger.js'
import type { Rounds } from '../round/rounds.js'
import type { RoundOutcome } from './anchor.js'
import { type BlockSource, pullMembers } from './catch-up.js'
import { createConfirmations } from './confirmations.js'
import { createFetchBudget, fetchesPerAttester } from './fetch-budget.js'
import { createKnownBlocks, type KnownBlocks } from './known-blocks.js'

/** A round is re-evaluated at most this often from other members' attestations. */
const MAX_CATCH_UPS_PER_ROUND = 3
/** A committee block that cannot be fetched is tried this often (once per attestation naming it). */
const MAX_FETCH_ATTEMPTS = 3
/**
 * Failed catch-ups of one round before the node gives up on the round: members may attest CIDs
 * nobody serves, and each costs a fetch timeout in the round's queue (docs/security.md, open).
 */
const MAX_FAILED_CATCH_UPS_PER_ROUND = 8
/** Rounds of outcomes kept: what status shows, not every round since start (export, so the summary chain keeps as many). */
export const KEPT_ROUNDS = 32

export interface ConvergenceComponents {
  params: ProtocolParams
  rounds: Pick<Rounds, 'get'>
  store: Pick<NodeStore, 'attestationsOf' | 'putAttestation' | 'measurementOwner' | 'putMeasurement'>
  blocks: BlockSource
  /** Evaluates a round again once missing measurements were pulled. */
  reanchor(round: number): Promise<RoundOutcome>
  events: TypedEventTarget<CheckerNodeEvents>
  log: Logger
  signal: AbortSignal
}

export interface Convergence {
  /** Our own result of a round, once anchored. */
  anchored(outcome: RoundOutcome): void
  /** A kept round's summary was re-linked over a changed previous one (spec §9.1): status shows the new CID. */
  relinked(outcome: RoundOutcome): void
  /** An attestation accepted by the gossip validator, with the bytes it decoded (stored as they came). */
  received(attestation: Attestation, bytes?: Uint8Array): void
  outcome(round: number): RoundOutcome | undefined
  /** Anchored rounds, newest first. */
  recent(count: number): RoundOutcome[]
  isConfirmed(round: number, id: string, cid: string): boolean
}

/**
 * Convergence (DESIGN §3): counts attestations per committee and reports a committee result as
 * confirmed when a strict majority of the block's members (stations whose measurement it lists)
 * attest the same CID. When a member attests a CID other than ours, the node fetches that
 * committee block and its measurement list over bitswap, pulls the measurements it lacks, checks
 * them, and evaluates the round again.
 */
export function createConvergence(components: ConvergenceComponents): Convergence {
  const { store } = components
  const outcomes = new Map<number, RoundOutcome>()
  const known = createKnownBlocks()
  const confirmations = createConfirmations({ ...components, known })
  const countAttested = (round: number) => {
    const outcome = outcomes.get(round)
    for (const id of outcome?.attested.keys() ?? []) confirmations.count(outcome, round, id)
  }
  const catchUps = createCatchUps(components, outcomes, known, {
    // a fetched block's members are known now: its attestations stored before count from here
    learned: (round, id) => confirmations.count(outcomes.get(round), round, id),
    reanchored: countAttested,
  })

  return {
    anchored(outcome) {
      outcomes.set(outcome.round, outcome)
      for (const r of outcomes.keys()) if (r < outcome.round - KEPT_ROUNDS) outcomes.delete(r)
      confirmations.prune((r) => outcomes.has(r))
      known.prune((r) => outcomes.has(r))
      catchUps.prune(outcome.round, (r) => outcomes.has(r))
      // attestations that came before we anchored: a different CID means we may lack something,
      // in any committee of our summary, not only ours (spec §12.7: the whole summary converges)
      for (const [id, ours] of outcome.committees) {
        for (const a of store.attestationsOf(outcome.round, id)) catchUps.differs(outcome.round, ours, a.committeeCid, a.stationId)
      }
      countAttested(outcome.round)
    },
    relinked(outcome) {
      if (outcomes.has(outcome.round)) outcomes.set(outcome.round, outcome)
    },
    outcome: (round) => outcomes.get(round),
    recent: (count) => [...outcomes.values()].sort((a, b) => b.round - a.round).slice(0, count),
    received(attestation, bytes) {
      const id = taskId(attestation.task)
      const committeeCid = attestation.committee.toString()
      store.putAttestation({
        round: attestation.round,
        taskId: id,
        stationId: attestation.stationId,
        committeeCid,
        // canonical either way: the validator's bytes when given, else the one encoding
        bytes: bytes ?? encodeAttestation(attestation),
      })
      const ours = outcomes.get(attestation.round)?.committees.get(id)
      if (ours) catchUps.differs(attestation.round, ours, committeeCid, attestation.stationId)
      confirmations.count(outcomes.get(attestation.round), attestation.round, id)
    },
    isConfirmed: (round, id, cid) => confirmations.isConfirmed(round, id, cid),
  }
}

/**
 * Catch-ups: when a member attests a committee CID other than ours (any committee of our summary),
 * pull what we lack and evaluate again. CIDs are batched per round: every CID that differs while a
 * batch runs joins the next, and a batch is evaluated once (not once per committee), a bounded
 * number of times per round. Each attester may queue only a few CIDs per round (fetch-budget.ts).
 * The members of every block fetched are kept in `known`, for confirmation.
 */
function createCatchUps(
  components: ConvergenceComponents,
  outcomes: Map<number, RoundOutcome>,
  known: Pick<KnownBlocks, 'learn'>,
  notify: { learned(round: number, taskId: string): void; reanchored(round: number): void },
) {
  const seenCids = new Set<string>()
  const catchUps = new Map<number, number>()
  const pending = new Map<number, Set<string>>()
  const running = new Set<number>()
  const fetchFailures = new Map<string, number>()
  const failedCatchUps = new Map<number, number>()
  const budget = createFetchBudget(fetchesPerAttester(components.params.maxTasksPerNode, MAX_CATCH_UPS_PER_ROUND))

  const exhausted = (round: number) =>
    (catchUps.get(round) ?? 0) >= MAX_CATCH_UPS_PER_ROUND || (failedCatchUps.get(round) ?? 0) >= MAX_FAILED_CATCH_UPS_PER_ROUND

  const failed = (round: number, theirs: string, err: unknown) => {
    components.log.debug('catch-up failed', { round, cid: theirs, error: String(err) })
    // a block that could not be fetched (the peer just reconnected, a timeout) is tried again
    // when it is attested next, a few times at most
    failedCatchUps.set(round, (failedCatchUps.get(round) ?? 0) + 1)
    const failures = (fetchFailures.get(theirs) ?? 0) + 1
    fetchFailures.set(theirs, failures)
    if (failures < MAX_FETCH_ATTEMPTS) seenCids.delete(theirs)
  }

  /** Pulls every CID of the batch (one failing does not stop the others); true if any added a measurement. */
  const pullBatch = async (round: number, batch: string[]) => {
    let added = false
    for (const cid of batch) {
      if (exhausted(round)) break
      try {
        const pulled = await pullMembers(components, round, cid)
        if (!pulled) continue
        if (pulled.added) added = true
        if (pulled.membership) {
          known.learn(round, cid, { taskId: pulled.taskId, membership: pulled.membership })
          notify.learned(round, pulled.taskId)
        }
      } catch (err) {
        failed(round, cid, err)
      }
    }
    return added
  }

  // one batch at a time per round, so that re-evaluations do not race each other
  const drain = async (round: number) => {
    try {
      for (let batch = pending.get(round); batch && batch.size > 0 && !exhausted(round); batch = pending.get(round)) {
        pending.delete(round)
        if (!(await pullBatch(round, [...batch]))) continue
        catchUps.set(round, (catchUps.get(round) ?? 0) + 1)
        components.events.emit('activity', {
          level: 'info',
          message: `round ${round}: pulled missing measurements of ${batch.size} committee block(s), evaluating again`,
        })
        outcomes.set(round, await components.reanchor(round))
        notify.reanchored(round)
      }
    } catch (err) {
      components.log.debug('catch-up re-evaluation failed', { round, error: String(err) })
    } finally {
      pending.delete(round)
      running.delete(round)
    }
  }

  return {
    /** `attester` attested `theirs` for a committee whose block is `ours` here. */
    differs(round: number, ours: string, theirs: string, attester: string) {
      if (ours === theirs || seenCids.has(theirs) || exhausted(round)) return
      if (!budget.allow(round, attester, theirs)) {
        // not fetched, not marked seen: an attester within its budget may still bring it
        components.log.debug('catch-up not fetched: the attester is over its fetches for the round', { round, cid: theirs, attester })
        return
      }
      seenCids.add(theirs)
      pending.set(round, (pending.get(round) ?? new Set()).add(theirs))
      if (running.has(round)) return
      running.add(round)
      // started after the current task, so that CIDs noticed together (the attestations stored
      // before we anchored) form one batch
      void Promise.resolve().then(() => drain(round))
    },
    /** Forgets what no kept round needs, and bounds the sets peers can grow. */
    prune(latest: number, kept: (round: number) => boolean) {
      for (const r of failedCatchUps.keys()) if (!kept(r)) failedCatchUps.delete(r)
      for (const r of catchUps.keys()) if (r < latest - KEPT_ROUNDS) catchUps.delete(r)
      budget.prune(kept)
      if (seenCids.size > 100_000) seenCids.clear()
      if (fetchFailures.size > 10_000) fetchFailures.clear()
    },
  }
}
