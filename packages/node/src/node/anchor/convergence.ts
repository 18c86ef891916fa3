import {
  type Attestation,
  cidOfDagCbor,
  cidText,
  decodeCommitteeBlock,
  decodeMeasurementList,
  decodeSignedMeasurement,
  encodeAttestation,
  parseTaskId,
  taskId,
  verifyMeasurementSignature,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { scopedSignal } from '../../retrieval/scoped-signal.js'
import type { NodeContext } from '../context.js'
import type { RoundOutcome } from './anchor.js'

const FETCH_TIMEOUT_MS = 10_000
/** A round is re-evaluated at most this often from other members' attestations. */
const MAX_CATCH_UPS_PER_ROUND = 3
/** A committee block that cannot be fetched is tried this often (once per attestation naming it). */
const MAX_FETCH_ATTEMPTS = 3
/**
 * Failed catch-ups of one round before the node gives up on the round: members may attest CIDs
 * nobody serves, and each costs a fetch timeout in the round's queue (docs/security.md, open).
 */
const MAX_FAILED_CATCH_UPS_PER_ROUND = 8

/**
 * Convergence (DESIGN §3): counts attestations per committee and reports a committee result as
 * confirmed when a strict majority of its members attest the same CID. When a member attests a
 * CID other than ours, the node fetches that committee block and its measurement list over
 * bitswap, pulls the measurements it lacks, checks them, and evaluates the round again.
 */
export function createConvergence(ctx: NodeContext, reanchor: (round: number) => Promise<RoundOutcome>) {
  const outcomes = new Map<number, RoundOutcome>()
  /** Confirmed `${task id}/${committee CID}` by round, dropped with the round's outcome (a Set of every round since start grew for good). */
  const confirmed = new Map<number, Set<string>>()
  const seenCids = new Set<string>()
  const catchUps = new Map<number, number>()
  const queues = new Map<number, Promise<void>>()
  const fetchFailures = new Map<string, number>()
  const failedCatchUps = new Map<number, number>()

  const fetchBlock = async (cid: CID): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = []
    // peers decide how many of these run (each foreign committee CID): nothing may stay on ctx.signal
    const scope = scopedSignal([ctx.signal], FETCH_TIMEOUT_MS)
    try {
      for await (const chunk of ctx.host.helia.blockstore.get(cid, { signal: scope.signal })) chunks.push(chunk)
    } finally {
      scope.clear()
    }
    return Buffer.concat(chunks)
  }

  const checkConfirmed = (round: number, id: string) => {
    const outcome = outcomes.get(round)
    const members = outcome?.sizes.get(id)
    if (!outcome || !members) return
    const counts = new Map<string, number>()
    for (const a of ctx.store.attestationsOf(round, id)) counts.set(a.committeeCid, (counts.get(a.committeeCid) ?? 0) + 1)
    for (const [cid, n] of counts) {
      const key = `${id}/${cid}`
      const ofRound = confirmed.get(round) ?? new Set<string>()
      if (n * 2 > members && !ofRound.has(key)) {
        ofRound.add(key)
        confirmed.set(round, ofRound)
        ctx.events.emit('committee:confirmed', { round, task: parseTaskId(id), committeeCid: cid, attesters: n, members })
      }
    }
  }

  /** Pulls the members of another committee block we lack; true if any was new. */
  const pullMembers = async (round: number, committeeCid: string): Promise<boolean> => {
    const committee = decodeCommitteeBlock(await fetchBlock(CID.parse(committeeCid)))
    if (committee.round !== round || committee.network !== ctx.params.network) return false
    const members = decodeMeasurementList(await fetchBlock(committee.measurements))
    let added = 0
    for (const cid of members) {
      const text = cidText(cid)
      if (ctx.store.hasMeasurement(text)) continue
      let bytes: Uint8Array
      let m: ReturnType<typeof decodeSignedMeasurement>
      try {
        bytes = await fetchBlock(cid)
        m = decodeSignedMeasurement(bytes)
      } catch (err) {
        // one unreachable or broken member must not stop the others
        ctx.log.debug('catch-up skipped a member', { round, cid: text, error: String(err) })
        continue
      }
      // the same checks as gossip, minus the topic: CID, round, signature; tasking is evaluation's job
      if (cidText(cidOfDagCbor(bytes)) !== text || m.round !== round || m.network !== ctx.params.network) continue
      if (!verifyMeasurementSignature(m)) continue
      const info = await ctx.rounds.get(round, { signal: ctx.signal })
      const shard = info.shards.get(taskId(m.task))
      if (shard === undefined) continue
      if (ctx.store.putMeasurement({ cid: text, round, taskId: taskId(m.task), stationId: m.stationId, shard, bytes, origin: 'peer' }))
        added++
    }
    return added > 0
  }

  const catchUp = async (round: number, committeeCid: string) => {
    const done = catchUps.get(round) ?? 0
    if (done >= MAX_CATCH_UPS_PER_ROUND || (failedCatchUps.get(round) ?? 0) >= MAX_FAILED_CATCH_UPS_PER_ROUND) return
    if (!(await pullMembers(round, committeeCid))) return
    catchUps.set(round, done + 1)
    ctx.events.emit('activity', { level: 'info', message: `round ${round}: pulled missing measurements, evaluating again` })
    outcomes.set(round, await reanchor(round))
  }

  const differs = (round: number, ours: string, theirs: string) => {
    if (ours === theirs || seenCids.has(theirs)) return
    seenCids.add(theirs)
    // one catch-up at a time per round, so that re-evaluations do not race each other
    const previous = queues.get(round) ?? Promise.resolve()
    const next = previous
      .then(() => catchUp(round, theirs))
      .catch((err) => {
        ctx.log.debug('catch-up failed', { round, cid: theirs, error: String(err) })
        // a block that could not be fetched (the peer just reconnected, a timeout) is tried again
        // when it is attested next, a few times at most
        failedCatchUps.set(round, (failedCatchUps.get(round) ?? 0) + 1)
        const failures = (fetchFailures.get(theirs) ?? 0) + 1
        fetchFailures.set(theirs, failures)
        if (failures < MAX_FETCH_ATTEMPTS) seenCids.delete(theirs)
      })
    queues.set(round, next)
    void next.finally(() => {
      if (queues.get(round) === next) queues.delete(round)
    })
  }

  return {
    /** Our own result of a round, once anchored. */
    anchored(outcome: RoundOutcome) {
      outcomes.set(outcome.round, outcome)
      // keep what status shows, not every round since start
      for (const r of outcomes.keys()) if (r < outcome.round - 32) outcomes.delete(r)
      for (const r of confirmed.keys()) if (!outcomes.has(r)) confirmed.delete(r)
      for (const r of failedCatchUps.keys()) if (!outcomes.has(r)) failedCatchUps.delete(r)
      for (const r of catchUps.keys()) if (r < outcome.round - 32) catchUps.delete(r)
      if (seenCids.size > 100_000) seenCids.clear()
      if (fetchFailures.size > 10_000) fetchFailures.clear()
      for (const [id, ours] of outcome.attested) {
        // attestations that came before we anchored: a different CID means we may lack something
        for (const a of ctx.store.attestationsOf(outcome.round, id)) differs(outcome.round, ours, a.committeeCid)
        checkConfirmed(outcome.round, id)
      }
    },
    outcome: (round: number) => outcomes.get(round),
    /** Anchored rounds, newest first. */
    recent: (count: number) => [...outcomes.values()].sort((a, b) => b.round - a.round).slice(0, count),
    /** An attestation accepted by the gossip validator. */
    received(attestation: Attestation) {
      const id = taskId(attestation.task)
      const committeeCid = attestation.committee.toString()
      ctx.store.putAttestation({
        round: attestation.round,
        taskId: id,
        stationId: attestation.stationId,
        committeeCid,
        bytes: encodeAttestation(attestation),
      })
      const ours = outcomes.get(attestation.round)?.attested.get(id)
      if (ours) differs(attestation.round, ours, committeeCid)
      checkConfirmed(attestation.round, id)
    },
    isConfirmed(round: number, id: string, cid: string) {
      return confirmed.get(round)?.has(`${id}/${cid}`) ?? false
    },
  }
}

export type Convergence = ReturnType<typeof createConvergence>
