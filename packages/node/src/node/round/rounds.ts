import {
  type Catalogue,
  committeeShard,
  deriveRoundSeeds,
  type ProtocolParams,
  type RetrievalTask,
  type RoundSeeds,
  sampleRoundTasks,
  TaskSelector,
  taskId,
} from '@spark-swarm/protocol'
import type { RandomnessSource } from './randomness.js'

/** Everything a node derives for a round from params, catalogue and the beacon: nobody hands it out. */
export interface RoundInfo {
  round: number
  seeds: RoundSeeds
  tasks: RetrievalTask[]
  selector: TaskSelector
  /** This node's tasks, nearest first (Spark's order). */
  mine: RetrievalTask[]
  /** Gossip shard of each round task, by task id. */
  shards: Map<string, number>
}

/** Derives and caches round infos (the current and the previous round are in use at once). */
export class Rounds {
  readonly #cache = new Map<number, RoundInfo>()

  constructor(
    private readonly params: ProtocolParams,
    private readonly catalogue: Catalogue,
    private readonly randomness: RandomnessSource,
    /** Whose tasks are `mine`: the station id, or in version 2 the participant it checks for. */
    private readonly assignee: string,
  ) {}

  /** A round already derived, without waiting: what gossip validators use. */
  known(round: number): RoundInfo | undefined {
    return this.#cache.get(round)
  }

  async get(round: number, options: { signal?: AbortSignal } = {}): Promise<RoundInfo> {
    const cached = this.#cache.get(round)
    if (cached) return cached
    const seeds = deriveRoundSeeds(round, await this.randomness.roundRandomness(round, options))
    const tasks = sampleRoundTasks(this.catalogue, seeds, this.params.tasksPerRound)
    const selector = new TaskSelector(tasks, seeds.nodeSelection)
    const shards = new Map(tasks.map((t) => [taskId(t), committeeShard(t, seeds.nodeSelection, this.params.committeeShards)]))
    const info = { round, seeds, tasks, selector, mine: selector.pick(this.assignee, this.params.maxTasksPerNode), shards }
    this.#cache.set(round, info)
    for (const r of this.#cache.keys()) if (r < round - 2) this.#cache.delete(r)
    return info
  }
}
