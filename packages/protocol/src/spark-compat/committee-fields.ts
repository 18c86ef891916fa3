import type { CommitteeFields } from '../evaluation/committee.js'
import type { SparkMeasurement } from './measurement.js'

const key = (m: SparkMeasurement, fields: readonly (keyof SparkMeasurement)[]): string => {
  // JSON.stringify of Spark's `pick(m, ...fields)`: undefined is left out, null is kept, so
  // "missing" and "null" are different answers, exactly as in Spark.
  const o: Record<string, unknown> = {}
  for (const f of fields) o[f] = m[f]
  return JSON.stringify(o)
}
const INDEX_FIELDS = ['providerId', 'indexerResult', 'provider_address', 'protocol'] as const
const RETRIEVAL_FIELDS = [...INDEX_FIELDS, 'retrievalResult', 'byte_length', 'carChecksum'] as const

/** How a Spark committee reads its members' votes (spark-evaluate `Committee`). */
export const sparkCommitteeFields: CommitteeFields<SparkMeasurement> = {
  indexKey: (m: SparkMeasurement) => key(m, INDEX_FIELDS),
  retrievalKey: (m: SparkMeasurement) => key(m, RETRIEVAL_FIELDS),
  indexerResult: (m: SparkMeasurement) => m.indexerResult as string,
  retrievalResult: (m: SparkMeasurement) => m.retrievalResult,
}
