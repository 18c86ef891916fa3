import type { SparkColumns } from '@spark-swarm/protocol/spark-compat'

/** Columns in buffers of their own, exactly their length: what may be transferred to another thread. */
export function compactColumns(c: SparkColumns): SparkColumns {
  return {
    length: c.length,
    task: c.task.slice(),
    stationId: c.stationId.slice(),
    inetGroup: c.inetGroup.slice(),
    finishedAt: c.finishedAt.slice(),
    indexKey: c.indexKey.slice(),
    retrievalKey: c.retrievalKey.slice(),
    indexerResult: c.indexerResult.slice(),
    retrievalResult: c.retrievalResult.slice(),
    flags: c.flags.slice(),
    values: c.values,
    keyParts: c.keyParts,
    indexKeys: c.indexKeys.slice(),
    retrievalKeys: c.retrievalKeys.slice(),
  }
}

/** The buffers of compacted columns, for `postMessage`'s transfer list. */
export function columnBuffers(c: SparkColumns): ArrayBuffer[] {
  return [
    c.task,
    c.stationId,
    c.inetGroup,
    c.finishedAt,
    c.indexKey,
    c.retrievalKey,
    c.indexerResult,
    c.retrievalResult,
    c.flags,
    c.indexKeys,
    c.retrievalKeys,
  ].map((a) => a.buffer as ArrayBuffer)
}
