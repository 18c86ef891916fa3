import { committeeShard } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import {
  attestationTopic,
  attestationTopics,
  measurementTopic,
  measurementTopics,
  measurementTopicsForTasks,
  parseTopic,
} from '../src/gossip/index.js'
import { assigned, CURRENT_ROUND, params, roundInfo, station } from './gossip-fixtures.js'

describe('topics', () => {
  it('builds the topic strings of DESIGN §3', () => {
    expect(measurementTopic(params, 1)).toBe('/spark-swarm/1/gossip-test/measurements/1')
    expect(attestationTopic(params, 1)).toBe('/spark-swarm/1/gossip-test/attestations/1')
    expect(measurementTopics(params)).toEqual(['/spark-swarm/1/gossip-test/measurements/0', '/spark-swarm/1/gossip-test/measurements/1'])
    expect(attestationTopics(params)).toEqual(['/spark-swarm/1/gossip-test/attestations/0', '/spark-swarm/1/gossip-test/attestations/1'])
  })

  it('parses what it builds', () => {
    expect(parseTopic(measurementTopic(params, 1))).toEqual({ kind: 'measurement', network: 'gossip-test', version: 1, shard: 1 })
    expect(parseTopic(attestationTopic(params, 0))).toEqual({ kind: 'attestation', network: 'gossip-test', version: 1, shard: 0 })
  })

  it('parses nothing else: foreign topics, other spellings, trailing parts', () => {
    for (const topic of [
      '',
      'measurements',
      '/spark-swarm/1/devnet/measurements/',
      '/spark-swarm/01/devnet/attestations/0',
      '/spark-swarm/1/devnet/summaries',
      '/spark-swarm/1/devnet/attestations',
      '/spark-swarm/1/devnet/attestations/01',
      '/spark-swarm/1/devnet/measurements/01',
      '/spark-swarm/1/devnet/measurements/-1',
      '/spark-swarm/1/Devnet/summaries',
      '/spark-swarm/1/devnet/summaries/0',
      '/spark-swarm/1/devnet/summaries ',
      '/other/1/devnet/summaries',
    ]) {
      expect(parseTopic(topic), topic).toBeUndefined()
    }
  })

  it('refuses a shard outside [0, committeeShards)', () => {
    expect(() => measurementTopic(params, 2)).toThrow(RangeError)
    expect(() => measurementTopic(params, -1)).toThrow(RangeError)
    expect(() => measurementTopic(params, 0.5)).toThrow(RangeError)
    expect(() => attestationTopic(params, 2)).toThrow(RangeError)
  })

  it("lists the shards of a node's tasks once each, in shard order", () => {
    const info = roundInfo(CURRENT_ROUND)
    const tasks = assigned(CURRENT_ROUND, station(1))
    const shards = [...new Set(tasks.map((t) => committeeShard(t, info.seeds.nodeSelection, params.committeeShards)))].sort()
    expect(measurementTopicsForTasks(params, info.seeds.nodeSelection, tasks)).toEqual(shards.map((s) => measurementTopic(params, s)))
  })
})
