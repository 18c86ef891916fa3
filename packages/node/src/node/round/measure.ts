import {
  type CatalogueEntry,
  cidOfDagCbor,
  cidText,
  encodeSignedMeasurement,
  type Measurement,
  type ProtocolParams,
  type SignedMeasurement,
  type StationKey,
  signMeasurement,
  taskId,
} from '@spark-swarm/protocol'
import type { SavedBinding } from '../../admission/binding-file.js'
import type { CheckOutcome } from '../../retrieval/index.js'

/** A signed measurement ready to store and gossip. */
export interface OwnMeasurement {
  measurement: SignedMeasurement
  cid: string
  bytes: Uint8Array
  taskId: string
}

/**
 * Turns a check's outcome into this node's signed measurement of the round: the check decides
 * the retrieval fields, the node adds who, where, when and which version, and signs it all.
 */
export function buildOwnMeasurement(
  outcome: Extract<CheckOutcome, { kind: 'measurement' }>,
  ctx: {
    params: ProtocolParams
    round: number
    task: CatalogueEntry
    key: StationKey
    inetGroup: string
    checkerVersion: string
    /** Version 2: whom the station checks for, with the participant's signature that says so (spec §13.3). */
    binding?: SavedBinding
  },
): OwnMeasurement {
  const binding = ctx.binding
  const task = { cid: ctx.task.cid, minerId: ctx.task.minerId }
  const m: Measurement = {
    protocolVersion: ctx.params.protocolVersion,
    network: ctx.params.network,
    round: ctx.round,
    task,
    stationId: ctx.key.stationId,
    inetGroup: ctx.inetGroup,
    checkerVersion: ctx.checkerVersion,
    ...outcome.fields,
    ...(binding
      ? {
          participant: binding.binding.participant,
          bindingFromRound: binding.binding.fromRound,
          bindingSignature: binding.signature,
        }
      : {}),
  }
  const measurement = signMeasurement(m, ctx.key)
  // encoded once here: the store, gossip and the blockstore all take these bytes and this CID as they are
  const bytes = encodeSignedMeasurement(measurement)
  return { measurement, cid: cidText(cidOfDagCbor(bytes)), bytes, taskId: taskId(task) }
}
