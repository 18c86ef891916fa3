import { encodeSignedMeasurement, type SignedMeasurement, taskId } from '@spark-swarm/protocol'
import type { GossipMetrics, ValidatedAttestation } from '../gossip/index.js'
import type { NodeStore } from '../store/index.js'
import type { Convergence } from './anchor/convergence.js'
import type { NodeContext } from './context.js'
import { installGossip } from './gossip-wiring.js'
import type { Rounds } from './round/rounds.js'

export interface ReceiveComponents {
  rounds: Pick<Rounds, 'known'>
  store: Pick<NodeStore, 'putMeasurement'>
  convergence: Pick<Convergence, 'received'>
}

/** What the node does with each kind of gossip message its validators accepted. */
export interface ReceivedHandlers {
  /** A peer's measurement, with the validated bytes and their CID: stored as received, not encoded again. */
  measurement(measurement: SignedMeasurement, cid: string, bytes: Uint8Array): void
  attestation(attestation: ValidatedAttestation['attestation']): void
}

export function createReceivedHandlers(components: ReceiveComponents): ReceivedHandlers {
  return {
    measurement(m, cid, bytes) {
      // the validator judged it against a round this node derived; a round since forgotten is dropped
      const shard = components.rounds.known(m.round)?.shards.get(taskId(m.task))
      if (shard === undefined) return
      components.store.putMeasurement({ cid, round: m.round, taskId: taskId(m.task), stationId: m.stationId, shard, bytes, origin: 'peer' })
    },
    attestation: (attestation) => components.convergence.received(attestation),
  }
}

/**
 * The one place the node hands its handlers to the gossip wiring. Until the wiring passes the
 * validated bytes on, the measurement is encoded again here (the canonical encoding: the same bytes).
 */
export function listenToGossip(ctx: NodeContext, handlers: ReceivedHandlers): GossipMetrics {
  return installGossip(ctx, {
    onMeasurement: (m, cid) => handlers.measurement(m, cid, encodeSignedMeasurement(m)),
    onAttestation: (attestation) => handlers.attestation(attestation),
  })
}
