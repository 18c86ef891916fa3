import { createTaskIndex, type ProtocolParams, type RetrievalTask, type RoundSeeds, type TaskSelector } from '@spark-swarm/protocol'
import type { GossipAdmission } from './admission.js'
import { reject } from './errors.js'

/** What a node knows about a round it can judge: derivable from params, beacon and catalogue. */
export interface RoundInfo {
  seeds: RoundSeeds
  /** The round's tasks, `sampleRoundTasks(catalogue, seeds, params.tasksPerRound)`. */
  tasks: readonly RetrievalTask[]
  /** `new TaskSelector(tasks, seeds.nodeSelection)`, built once per round. */
  selector: TaskSelector
}

/**
 * What the validators need from the node. The node knows the current and the previous round;
 * `currentRound` is read on every message (a getter works).
 */
export interface GossipValidationContext {
  params: ProtocolParams
  /** Unix milliseconds. */
  now(): number
  readonly currentRound: number
  roundInfo(round: number): RoundInfo | undefined
  /** Version 2 (spec §13): who is eligible and whose stations attest. Required on a version-2 network. */
  admission?: GossipAdmission
}

// one task index per round's task list, built on first use and collected with the list
const taskIndexes = new WeakMap<readonly RetrievalTask[], (cid: unknown, minerId: unknown) => number | undefined>()

/** True when `task` is one of the round's tasks (exact `(cid, minerId)` equality). */
export function isTaskInRound(info: RoundInfo, task: RetrievalTask): boolean {
  let index = taskIndexes.get(info.tasks)
  if (!index) {
    index = createTaskIndex(info.tasks)
    taskIndexes.set(info.tasks, index)
  }
  return index(task.cid, task.minerId) !== undefined
}

/** True when `task` is among the K tasks assigned to `assignee`: a station (spec §4), or in version 2 a participant (spec §13.5). */
export function isAssignedTo(info: RoundInfo, params: ProtocolParams, assignee: string, task: RetrievalTask): boolean {
  return info.selector.pick(assignee, params.maxTasksPerNode).some((t) => t.cid === task.cid && t.minerId === task.minerId)
}

/** Rule: a message names the network and protocol version of the topic it was published on. */
export function checkNetworkAndVersion(params: ProtocolParams, message: { network: string; protocolVersion: number }): void {
  if (message.network !== params.network) reject('WRONG_NETWORK', 'the message is for another network')
  if (message.protocolVersion !== params.protocolVersion) {
    reject('WRONG_PROTOCOL_VERSION', 'the message is for another protocol version', { protocolVersion: message.protocolVersion })
  }
}
