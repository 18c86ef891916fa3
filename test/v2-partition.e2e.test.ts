import { presets } from '@spark-swarm/protocol'
import { describePartition } from './partition-scenario.js'

// A partition healed (partition-scenario.ts) on a version-2 network with two committee shards:
// while cut in halves, each half accepts only its own stations' measurements, so after the heal
// every node receives attestations of stations none of whose measurements it accepted. They carry
// their participant and binding (spec §13.3a), so every node judges them from their content,
// catches up (spec §12.7) and ends with the same summaries as the other half.
describePartition({
  title: 'a partition healed, version 2',
  seed: 'version 2 partition e2e',
  preset: presets['devnet-v2'],
  committeeShards: 2,
})
