import { cidText, taskId } from '@spark-swarm/protocol'
import type { GossipHandlers } from '../gossip/index.js'
import type { NodeStore } from '../store/index.js'
import type { Convergence } from './anchor/convergence.js'
import type { Rounds } from './round/rounds.js'

export interface ReceiveComponents {
  rounds: Pick<Rounds, 'known'>
  store: Pick<NodeStore, 'putMeasurement'>
  convergence: Pick<Convergence, 'received'>
}

/** What the node does with each kind of gossip message its validators accepted (one handler per kind). */
export function createReceivedHandlers(components: ReceiveComponents): GossipHandlers {
  return {
    measurement({ measurement: m, cid, bytes }) {
      // the validator judged it against a round this node derived; a round since forgotten is dropped
      const shard = components.rounds.known(m.round)?.shards.get(taskId(m.task))
      if (shard === undefined) return
      // the validated bytes are stored as received: decoding proved them canonical, so encoding again would give the same
      components.store.putMeasurement({
        cid: cidText(cid),
        round: m.round,
        taskId: taskId(m.task),
        stationId: m.stationId,
        shard,
        bytes,
        origin: 'peer',
      })
    },
    attestation: ({ attestation, bytes }) => components.convergence.received(attestation, bytes),
  }
}
