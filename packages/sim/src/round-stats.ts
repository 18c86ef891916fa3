import {
  COMMITTEE_TOO_SMALL,
  type CommitteeFields,
  type EvaluatedMeasurement,
  evaluateCommittee,
  MAJORITY_NOT_FOUND,
  type RetrievalTask,
  type RoundEvaluation,
} from '@spark-swarm/protocol'
import type { World } from './world.js'

/** One provider's scores in one round, as `scoreProviders` computed them. */
export interface ProviderRoundStats {
  reqOk: number
  reqTotal: number
  comOk: number
  comTotal: number
  fracSum: number
  fracCount: number
}

/** What one round contributes to a run: small, plain, and mergeable in round order. */
export interface RoundStats {
  round: number
  /** By provider index (scenario order). */
  providers: ProviderRoundStats[]
  committees: number
  /** Committee size → count. */
  sizes: Record<string, number>
  /** Members over all committees (valid measurements). */
  members: number
  withoutCommittee: number
  tooSmall: number
  majorityNotFound: number
  captured: number
  /** Measurements the nodes produced, and how many reached the evaluating node. */
  measurements: number
  delivered: number
  byTasking: Record<string, number>
  rewards: { honest: number; adversarial: number }
}

/** The honest members' answers of a committee vote on the result alone: an honest result fixes its fields. */
const resultOnly: CommitteeFields<string> = {
  indexKey: () => '',
  retrievalKey: (r) => r,
  indexerResult: () => '',
  retrievalResult: (r) => r,
}

function emptyProviderStats(): ProviderRoundStats {
  return { reqOk: 0, reqTotal: 0, comOk: 0, comTotal: 0, fracSum: 0, fracCount: 0 }
}

/** Per evaluated measurement: tasking labels, rewards, and each task's members split honest/adversarial. */
function tallyMeasurements(tasks: readonly RetrievalTask[], evaluation: RoundEvaluation, adversarial: Uint8Array, anyAdversarial: boolean) {
  const byTasking: Record<string, number> = {}
  const rewards = { honest: 0, adversarial: 0 }
  const taskIndex = new Map<RetrievalTask, number>(tasks.map((t, i) => [t, i]))
  const adversarialMembers = anyAdversarial ? new Uint32Array(tasks.length) : null
  const honestMembers: string[][] | null = anyAdversarial ? tasks.map(() => []) : null
  const listed = evaluation.measurements
  for (let j = 0; j < listed.length; j++) {
    const m = listed[j] as EvaluatedMeasurement
    const label = m.taskingEvaluation
    byTasking[label] = (byTasking[label] ?? 0) + 1
    if (label !== 'OK') continue
    const byAdversary = adversarial[j] === 1
    if (m.consensusEvaluation === 'MAJORITY_RESULT') {
      if (byAdversary) rewards.adversarial++
      else rewards.honest++
    }
    if (adversarialMembers && honestMembers) {
      const t = taskIndex.get(m.task) as number
      if (byAdversary) adversarialMembers[t] = (adversarialMembers[t] as number) + 1
      else (honestMembers[t] as string[]).push(m.retrievalResult)
    }
  }
  const members = adversarialMembers && honestMembers ? { adversarial: adversarialMembers, honest: honestMembers } : null
  return { byTasking, rewards, members }
}

/** Committee sizes and outcomes; a committee is captured when its honest members alone would have decided otherwise. */
function tallyCommittees(
  tasks: readonly RetrievalTask[],
  evaluation: RoundEvaluation,
  members: { adversarial: Uint32Array; honest: string[][] } | null,
) {
  const sizes: Record<string, number> = {}
  let memberCount = 0
  let tooSmall = 0
  let majorityNotFound = 0
  let captured = 0
  const byCid = new Map<string, number>(tasks.map((t, i) => [t.cid, i]))
  for (const c of evaluation.committees) {
    sizes[c.size] = (sizes[c.size] ?? 0) + 1
    memberCount += c.size
    if (c.retrievalResult === COMMITTEE_TOO_SMALL) {
      tooSmall++
      continue
    }
    if (c.retrievalResult === MAJORITY_NOT_FOUND) majorityNotFound++
    if (!members) continue
    const t = byCid.get(c.task.cid) as number
    if ((members.adversarial[t] as number) === 0) continue
    // the counterfactual: the same committee's honest members alone, by the protocol's majority rule
    const honest = members.honest[t] as string[]
    const honestResult = honest.length === 0 ? null : evaluateCommittee(honest, 1, resultOnly).decision.retrievalResult
    if (honestResult !== c.retrievalResult) captured++
  }
  return { sizes, members: memberCount, tooSmall, majorityNotFound, captured }
}

/** What one round contributes to a run, from the protocol's evaluation and the adversarial flags beside its measurements. */
export function reduceEvaluation(
  world: World,
  round: number,
  tasks: readonly RetrievalTask[],
  evaluation: RoundEvaluation,
  adversarial: Uint8Array,
  counts: { produced: number; delivered: number; anyAdversarial: boolean },
): RoundStats {
  const { byTasking, rewards, members } = tallyMeasurements(tasks, evaluation, adversarial, counts.anyAdversarial)
  const committees = tallyCommittees(tasks, evaluation, members)
  const providers = world.providers.map((p) => {
    const s = evaluation.providers[p.minerId]
    if (!s) return emptyProviderStats()
    return {
      reqOk: s.perRequest.successes,
      reqTotal: s.perRequest.total,
      comOk: s.committee.successes,
      comTotal: s.committee.total,
      fracSum: s.committeeFraction.successes,
      fracCount: s.committeeFraction.total,
    }
  })
  return {
    round,
    providers,
    committees: evaluation.committees.length,
    sizes: committees.sizes,
    members: committees.members,
    withoutCommittee: tasks.length - evaluation.committees.length,
    tooSmall: committees.tooSmall,
    majorityNotFound: committees.majorityNotFound,
    captured: committees.captured,
    measurements: counts.produced,
    delivered: counts.delivered,
    byTasking,
    rewards,
  }
}
