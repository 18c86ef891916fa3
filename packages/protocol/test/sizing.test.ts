import { describe, expect, it } from 'vitest'
import {
  committeeShard,
  committeeShardsFor,
  mainnet,
  type RetrievalTask,
  TARGET_COMMITTEE_SIZE,
  TaskSelector,
  tasksPerRoundFor,
} from '../src/index.js'

const K = mainnet.maxTasksPerNode
const seedOf = (i: number) => i.toString(16).padStart(64, '0')
const tasksOf = (n: number): RetrievalTask[] =>
  Array.from({ length: n }, (_, i) => ({ cid: `bafytask${i}`, minerId: `f0${1000 + (i % 150)}` }))

/**
 * Of the current round's tasks, how many meet on the shards a station follows: those of its own
 * tasks this round and last round (spec §12.1). Each of them brings its whole committee's measurements.
 */
function tasksOnFollowedShards(tasks: RetrievalTask[], shards: number, station: string): number {
  const [now, before] = [seedOf(7), seedOf(6)]
  const followed = new Set<number>()
  for (const [seed] of [[now], [before]] as const) {
    for (const t of new TaskSelector(tasks, seed).pick(station, K)) followed.add(committeeShard(t, seed, shards))
  }
  return tasks.filter((t) => followed.has(committeeShard(t, now, shards))).length
}

describe('network sizing (spec §1.4)', () => {
  it('keeps the committee size: tasksPerRound grows with the stations', () => {
    expect(tasksPerRoundFor(1_000, K)).toBe(60)
    expect(tasksPerRoundFor(100_000, K)).toBe(6_000)
    expect(tasksPerRoundFor(0, K)).toBe(1)
    // mainnet's 1,000 tasks are the rule's value for its ≈ 16,700 stations
    expect(tasksPerRoundFor(16_666, K)).toBe(mainnet.tasksPerRound)
    expect((16_666 * K) / tasksPerRoundFor(16_666, K)).toBeCloseTo(TARGET_COMMITTEE_SIZE, 0)
  })

  it('gives one shard per task', () => {
    expect(committeeShardsFor(1)).toBe(1)
    expect(committeeShardsFor(6_000)).toBe(6_000)
    expect(() => committeeShardsFor(0)).toThrow(RangeError)
    expect(() => tasksPerRoundFor(-1, K)).toThrow(RangeError)
  })

  it('bounds the committees a station hears, whatever the network size; a fixed 16 shards does not', () => {
    for (const stations of [1_000, 10_000, 100_000]) {
      const tasks = tasksOf(tasksPerRoundFor(stations, K))
      const scaled = [0, 1, 2, 3].map((i) => tasksOnFollowedShards(tasks, committeeShardsFor(tasks.length), `station-${stations}-${i}`))
      // own K tasks, plus about one other task on each of the 2K followed shards; never the network
      for (const heard of scaled) expect(heard).toBeLessThanOrEqual(5 * K)
      const fixed = tasksOnFollowedShards(tasks, 16, `station-${stations}-0`)
      expect(fixed).toBeGreaterThan(tasks.length / 2)
    }
  })
})
