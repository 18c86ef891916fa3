import { COMMITTEE_TOO_SMALL, MAJORITY_NOT_FOUND } from '../result-codes.js'

export type ConsensusEvaluation = 'MAJORITY_RESULT' | 'MINORITY_RESULT' | typeof COMMITTEE_TOO_SMALL | typeof MAJORITY_NOT_FOUND

/** What a committee agreed on, in Spark's shape (`CommitteeDecision`). */
export interface CommitteeDecision {
  indexMajorityFound: boolean
  indexerResult: string
  retrievalMajorityFound: boolean
  retrievalResult: string
}

/** How to read the fields a committee votes on from a member, whatever its format. */
export interface CommitteeFields<M> {
  /** Identity of the index answer: provider id, indexer result, provider address, protocol. */
  indexKey: (m: M) => string
  /** The index answer plus retrieval result, byte length and CAR checksum. */
  retrievalKey: (m: M) => string
  indexerResult: (m: M) => string
  retrievalResult: (m: M) => string
}

interface Majority<M> {
  members: Set<M>
  sample: M
}

/**
 * The largest group of members with equal keys, if it is a strict majority (> n/2). Ties and
 * pluralities are no majority.
 */
function findMajority<M>(members: readonly M[], key: (m: M) => string): Majority<M> | undefined {
  const groups = new Map<string, M[]>()
  let largest: M[] | undefined
  for (const m of members) {
    const k = key(m)
    let group = groups.get(k)
    if (!group) {
      group = []
      groups.set(k, group)
    }
    group.push(m)
    if (!largest || group.length > largest.length) largest = group
  }
  if (!largest || largest.length <= members.length / 2) return undefined
  return { members: new Set(largest), sample: largest[0] as M }
}

/**
 * Spark's honest-majority rule for one committee (spark-evaluate `Committee.evaluate`):
 * below `minSize` members → COMMITTEE_TOO_SMALL; otherwise a strict majority on the index
 * answer, then, separately, a strict majority on the index answer plus the retrieval fields.
 * Returns the decision and each member's label, in member order.
 */
export function evaluateCommittee<M>(
  members: readonly M[],
  minSize: number,
  fields: CommitteeFields<M>,
): { decision: CommitteeDecision; labels: ConsensusEvaluation[] } {
  if (members.length < minSize) {
    return {
      decision: {
        indexMajorityFound: false,
        indexerResult: COMMITTEE_TOO_SMALL,
        retrievalMajorityFound: false,
        retrievalResult: COMMITTEE_TOO_SMALL,
      },
      labels: members.map(() => COMMITTEE_TOO_SMALL),
    }
  }
  const index = findMajority(members, fields.indexKey)
  const retrieval = findMajority(members, fields.retrievalKey)
  return {
    decision: {
      indexMajorityFound: index !== undefined,
      indexerResult: index ? fields.indexerResult(index.sample) : MAJORITY_NOT_FOUND,
      retrievalMajorityFound: retrieval !== undefined,
      retrievalResult: retrieval ? fields.retrievalResult(retrieval.sample) : MAJORITY_NOT_FOUND,
    },
    labels: members.map((m) =>
      retrieval === undefined ? MAJORITY_NOT_FOUND : retrieval.members.has(m) ? 'MAJORITY_RESULT' : 'MINORITY_RESULT',
    ),
  }
}
