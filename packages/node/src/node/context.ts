import type { ProtocolParams } from '@spark-swarm/protocol'
import type { Clock } from './clock.js'
import type { Logger } from './logger.js'
import type { Host } from './peers/host.js'
import type { Rounds } from './round/rounds.js'

/**
 * What the gossip wiring (gossip-wiring.ts) reads of a running node: its view of the rounds, to
 * judge messages by, and the host whose gossipsub it validates. The other parts of the node each
 * declare their own minimal `XxxComponents`.
 */
export interface NodeContext {
  params: ProtocolParams
  clock: Clock
  rounds: Rounds
  host: Host
  log: Logger
}
