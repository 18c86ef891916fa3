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

interface Majority {
  key: string
  /** Index of the first member with the majority key. */
  first: number
}

/**
 * The largest group of equal keys, if it is a strict majority (> n/2). Ties and pluralities are
 * no majority. Keys are computed once per member; grouping only counts them.
 */
function findMajority(keys: readonly string[]): Majority | undefined {
  const counts = new Map<string, number>()
  let best: string | undefined
  let bestCount = 0
  for (const k of keys) {
    const n = (counts.get(k) ?? 0) + 1
    counts.set(k, n)
    if (n > bestCount) {
      best = k
      bestCount = n
    }
  }
  if (best === undefined || bestCount <= keys.length / 2) return undefined
  return { key: best, first: keys.indexOf(best) }
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
  const retrievalKeys = members.map(fields.retrievalKey)
  const index = findMajority(members.map(fields.indexKey))
  const retrieval = findMajority(retrievalKeys)
  return {
    decision: {
      indexMajorityFound: index !== undefined,
      indexerResult: index ? fields.indexerResult(members[index.first] as M) : MAJORITY_NOT_FOUND,
      retrievalMajorityFound: retrieval !== undefined,
      retrievalResult: retrieval ? fields.retrievalResult(members[retrieval.first] as M) : MAJORITY_NOT_FOUND,
    },
    labels: retrievalKeys.map((k) =>
      retrieval === undefined ? MAJORITY_NOT_FOUND : k === retrieval.key ? 'MAJORITY_RESULT' : 'MINORITY_RESULT',
    ),
  }
}
