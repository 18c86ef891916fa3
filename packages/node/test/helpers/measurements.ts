import { type RetrievalTask, type SignedMeasurement, type StationKey, signMeasurement } from '@spark-swarm/protocol'
import { okFields, params } from './node-fixtures.js'

/** Station `key`'s signed measurement of `task` in `round`: a successful retrieval. */
export function signedMeasurement(round: number, key: StationKey, task: RetrievalTask): SignedMeasurement {
  return signMeasurement(
    {
      protocolVersion: params.protocolVersion,
      network: params.network,
      round,
      task: { cid: task.cid, minerId: task.minerId },
      stationId: key.stationId,
      inetGroup: `inet-${key.stationId.slice(-6)}`,
      checkerVersion: '0.1.0',
      ...okFields(round),
    },
    key,
  )
}
