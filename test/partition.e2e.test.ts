import { describePartition } from './partition-scenario.js'

// A partition healed (partition-scenario.ts) on a version-1 network with one committee shard.
describePartition({ title: 'a partition healed', seed: 'partition e2e', committeeShards: 1 })
