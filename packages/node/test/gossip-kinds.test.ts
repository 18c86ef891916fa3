import * as dagCbor from '@ipld/dag-cbor'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import {
  cidOfDagCbor,
  cidText,
  committeeShard,
  encodeAttestation,
  encodeSignedMeasurement,
  roundStartTime,
  signAttestation,
  signMeasurement,
} from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import {
  attestationTopics,
  GOSSIP_KINDS,
  GossipKind,
  gossipTopics,
  measurementTopic,
  measurementTopics,
  parseTopic,
  type ValidatedAttestation,
  type ValidatedMeasurement,
} from '../src/gossip/index.js'
import { installGossip } from '../src/gossip/install.js'
import { assigned, attestationTopicOf, CURRENT_ROUND, measurement, params, roundInfo, station } from './gossip-fixtures.js'

describe('gossip kinds', () => {
  it('lists every kind once, and every topic of the network kind by kind', () => {
    expect(GOSSIP_KINDS).toEqual(Object.values(GossipKind))
    expect(gossipTopics(params)).toEqual([...measurementTopics(params), ...attestationTopics(params)])
    const kinds = gossipTopics(params).map((topic) => parseTopic(topic)?.kind)
    expect(new Set(kinds)).toEqual(new Set(GOSSIP_KINDS))
  })
})

describe('installGossip', () => {
  const key = station(1)
  const from = { toString: () => 'relay' } as unknown as PeerId

  function install() {
    const topicValidators = new Map<string, (p: PeerId, msg: { type: 'unsigned'; topic: string; data: Uint8Array }) => unknown>()
    const measurements: Array<{ value: ValidatedMeasurement; from: string }> = []
    const attestations: Array<{ value: ValidatedAttestation; from: string }> = []
    const now = roundStartTime(params, CURRENT_ROUND) + 1_000
    installGossip(
      {
        params,
        clock: { now: () => now },
        rounds: { known: (round) => (round === CURRENT_ROUND || round === CURRENT_ROUND - 1 ? roundInfo(round) : undefined) },
        host: { libp2p: { services: { pubsub: { topicValidators } as never } } },
        log: { error: () => {} },
      },
      {
        measurement: (value, peer) => measurements.push({ value, from: peer }),
        attestation: (value, peer) => attestations.push({ value, from: peer }),
      },
    )
    const run = (topic: string, data: Uint8Array) => topicValidators.get(topic)?.(from, { type: 'unsigned', topic, data })
    return { topicValidators, measurements, attestations, run }
  }

  it('validates every topic of the network', () => {
    expect([...install().topicValidators.keys()]).toEqual(gossipTopics(params))
  })

  it('hands each kind to its own handler, with the CID and the very bytes validated', async () => {
    const { measurements, attestations, run } = install()
    const task = assigned(CURRENT_ROUND, key)[0]!
    const m = signMeasurement(measurement(CURRENT_ROUND, key, task), key)
    const mBytes = encodeSignedMeasurement(m)
    const mTopic = measurementTopic(params, committeeShard(task, roundInfo(CURRENT_ROUND).seeds.nodeSelection, params.committeeShards))
    expect(await run(mTopic, mBytes)).toBe(TopicValidatorResult.Accept)

    const prev = CURRENT_ROUND - 1
    const a = signAttestation(
      {
        protocolVersion: params.protocolVersion,
        network: params.network,
        round: prev,
        task: assigned(prev, key)[0]!,
        stationId: key.stationId,
        committee: cidOfDagCbor(dagCbor.encode({ committee: 'result' })),
      },
      key,
    )
    const aBytes = encodeAttestation(a)
    expect(await run(attestationTopicOf(prev, a.task), aBytes)).toBe(TopicValidatorResult.Accept)

    expect(measurements).toHaveLength(1)
    expect(measurements[0]?.from).toBe('relay')
    expect(measurements[0]?.value.measurement).toEqual(m)
    expect(measurements[0]?.value.bytes).toBe(mBytes)
    expect(cidText(measurements[0]!.value.cid)).toBe(cidText(cidOfDagCbor(mBytes)))
    expect(attestations).toHaveLength(1)
    expect(attestations[0]?.value.attestation).toEqual(a)
    expect(attestations[0]?.value.bytes).toBe(aBytes)
  })

  it('a message one kind rejects never reaches another kind’s handler', async () => {
    const { measurements, attestations, run } = install()
    const task = assigned(CURRENT_ROUND, key)[0]!
    const bytes = encodeSignedMeasurement(signMeasurement(measurement(CURRENT_ROUND, key, task), key))
    // a measurement on its shard's attestation topic is judged as an attestation, and rejected
    expect(await run(attestationTopicOf(CURRENT_ROUND, task), bytes)).toBe(TopicValidatorResult.Reject)
    expect(measurements).toEqual([])
    expect(attestations).toEqual([])
  })
})
