import { looseTaskId } from '../catalogue.js'
import { type CommitteeDecision, type ConsensusEvaluation, evaluateCommittee } from '../evaluation/committee.js'
import { pushToGroup } from '../group.js'
import { sparkCommitteeFields } from './committee-fields.js'
import { evaluateSparkTasking, type SparkTaskingEvaluation } from './fraud-detection.js'
import type { SparkMeasurement } from './measurement.js'
import type { SparkRound } from './round.js'

/** Spark's `REQUIRED_COMMITTEE_SIZE` from August 2024 until the shutdown. */
export const SPARK_REQUIRED_COMMITTEE_SIZE = 30

export interface SparkEvaluatedMeasurement {
  id: unknown
  retrievalResult: string
  taskingEvaluation: SparkTaskingEvaluation
  consensusEvaluation: ConsensusEvaluation | null
}

export interface SparkCommitteeResult extends CommitteeDecision {
  cid: string
  minerId: string
  size: number
}

/** spark-evaluate `provider-retrieval-result-stats.js build()`: the per-request counts FIL+ used. */
export interface SparkProviderStats {
  total: number
  successful: number
  successfulHttp: number
  successfulHttpHead: number
}

export interface SparkEvaluation {
  measurements: SparkEvaluatedMeasurement[]
  committees: SparkCommitteeResult[]
  providers: Record<string, SparkProviderStats>
  /** Evaluated measurements with their committee index (−1: not in a committee), for scoring. */
  members: Array<{ measurement: SparkMeasurement; committee: number }>
}

/** Spark left IPNI outages (its indexer's 5xx) out of the per-request stats. */
export const IPNI_OUTAGE = /^IPNI_ERROR_5\d\d$/

/**
 * Spark v1's evaluation of one round (spark-evaluate `runFraudDetection` + `Committee` +
 * `provider-retrieval-result-stats build`), bit for bit, on preprocessed measurements:
 *
 * 1. TASK_NOT_IN_ROUND, then TASK_WRONG_NODE (not among the station's K nearest tasks);
 * 2. per inet group, in ascending order of hex SHA-256 of the ISO `finished_at` (stable for
 *    equal timestamps): a task already seen in the group → DUP_INET_GROUP, a group that already
 *    has K tasks → TOO_MANY_TASKS, else OK;
 * 3. one committee per task over the OK measurements, in order of first appearance, decided by
 *    the two-stage strict majority with `requiredCommitteeSize`;
 * 4. per-request provider stats over every committee member, IPNI 5xx left out.
 */
export function evaluateSparkRound(
  round: SparkRound,
  measurements: readonly SparkMeasurement[],
  { requiredCommitteeSize = SPARK_REQUIRED_COMMITTEE_SIZE }: { requiredCommitteeSize?: number } = {},
): SparkEvaluation {
  // 1. and 2.
  const tasking = evaluateSparkTasking(round, measurements)

  // 3. committees and their honest majority
  const committeeOf = new Map<string, number[]>()
  measurements.forEach((m, i) => {
    if (tasking[i] === 'OK') pushToGroup(committeeOf, looseTaskId(m), i)
  })
  const consensus: Array<ConsensusEvaluation | null> = measurements.map(() => null)
  const memberCommittee: number[] = measurements.map(() => -1)
  const committees: SparkCommitteeResult[] = []
  const providers = new Map<string, SparkProviderStats>()
  for (const indices of committeeOf.values()) {
    const members = indices.map((i) => measurements[i] as SparkMeasurement)
    const { decision, labels } = evaluateCommittee(members, requiredCommitteeSize, sparkCommitteeFields)
    const first = members[0] as SparkMeasurement
    indices.forEach((i, j) => {
      consensus[i] = labels[j] as ConsensusEvaluation
      memberCommittee[i] = committees.length
    })
    committees.push({ cid: first.cid as string, minerId: first.minerId as string, size: members.length, ...decision })
    // 4. per-request stats: IMPORTANT (Spark #343) minority results count too
    addPerRequestStats(providers, members)
  }

  return {
    measurements: measurements.map((m, i) => ({
      id: m.id,
      retrievalResult: m.retrievalResult,
      taskingEvaluation: tasking[i] as SparkTaskingEvaluation,
      consensusEvaluation: consensus[i] as ConsensusEvaluation | null,
    })),
    committees,
    // Spark stored this Map with Object.fromEntries too
    providers: Object.fromEntries(providers),
    members: measurements.map((m, i) => ({ measurement: m, committee: memberCommittee[i] as number })),
  }
}

/** spark-evaluate `provider-retrieval-result-stats build()` over one committee's members, IPNI outages left out. */
function addPerRequestStats(providers: Map<string, SparkProviderStats>, members: readonly SparkMeasurement[]): void {
  for (const m of members) {
    if (IPNI_OUTAGE.test(m.retrievalResult)) continue
    const minerId = m.minerId as string
    let stats = providers.get(minerId)
    if (!stats) {
      stats = { total: 0, successful: 0, successfulHttp: 0, successfulHttpHead: 0 }
      providers.set(minerId, stats)
    }
    stats.total++
    if (m.retrievalResult === 'OK') {
      stats.successful++
      if (m.protocol === 'http') {
        stats.successfulHttp++
        const head = m.head_status_code
        if (typeof head === 'number' && head >= 200 && head < 300) stats.successfulHttpHead++
      }
    }
  }
}
