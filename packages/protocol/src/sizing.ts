/*
 * How a network's size sets two of its params (spec §1.4). validateParams does not check it: the
 * params of a network are its operator's choice, and the rule is applied when the network grows
 * (an announced params change, §1.3). The presets keep their values, and their digests.
 */

/** The committee size (stations per task) the rule keeps: mainnet's ≈ 16,700 stations × 15 / 1,000 tasks. */
export const TARGET_COMMITTEE_SIZE = 250

/** Round tasks per gossip shard the rule aims at: one, so that a shard carries about one committee. */
export const TASKS_PER_SHARD = 1

/**
 * `tasksPerRound` for a network of `stations` stations with K = `maxTasksPerNode`: enough tasks that
 * each committee keeps about `committeeSize` members, `ceil(stations · K / committeeSize)`, at least 1.
 * *More stations check more tasks, not the same tasks more often.*
 */
export function tasksPerRoundFor(stations: number, maxTasksPerNode: number, committeeSize = TARGET_COMMITTEE_SIZE): number {
  if (!Number.isSafeInteger(stations) || stations < 0) throw new RangeError(`stations must be a non-negative integer, got ${stations}`)
  if (!(committeeSize > 0)) throw new RangeError(`committeeSize must be positive, got ${committeeSize}`)
  return Math.max(1, Math.ceil((stations * maxTasksPerNode) / committeeSize))
}

/**
 * `committeeShards` for `tasksPerRound` tasks: `ceil(tasksPerRound / TASKS_PER_SHARD)`. A node follows
 * the shards of its 2K tasks (this round and the last), so it receives the measurements of about
 * (1 + 2 · tasksPerRound / C) · K committees, whatever the network's size, instead of a share
 * 1 − (1 − 1/C)^2K of all of them when C stays fixed.
 */
export function committeeShardsFor(tasksPerRound: number): number {
  if (!Number.isSafeInteger(tasksPerRound) || tasksPerRound < 1) {
    throw new RangeError(`tasksPerRound must be a positive integer, got ${tasksPerRound}`)
  }
  return Math.ceil(tasksPerRound / TASKS_PER_SHARD)
}
