import * as dagCbor from '@ipld/dag-cbor'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import {
  createPeerScoreParams,
  createPeerScoreThresholds,
  validatePeerScoreParams,
  validatePeerScoreThresholds,
} from '@libp2p/gossipsub/score'
import type { PeerId } from '@libp2p/interface'
import { encodeSignedMeasurement, mainnet, measurementCid, signMeasurement } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import {
  attestationTopic,
  attestationTopics,
  fastMsgIdFn,
  GossipValidationError,
  type GossipValidators,
  gossipsubOptions,
  gossipValidators,
  INTERNAL_ERROR,
  measurementTopic,
  measurementTopics,
  msgIdFn,
  registerValidators,
  toValidatorResult,
  type ValidatedAttestation,
  type ValidatedMeasurement,
} from '../src/gossip/index.js'
import { assigned, CURRENT_ROUND, measurement, params, station, validationContext } from './gossip-fixtures.js'

describe('gossipsubOptions', () => {
  it('sets application-signed, content-addressed, never-crashing publishing', () => {
    const opts = gossipsubOptions(params, { loopback: false })
    expect(opts.globalSignaturePolicy).toBe('StrictNoSign')
    expect(opts.emitSelf).toBe(false)
    expect(opts.allowPublishToZeroTopicPeers).toBe(true)
    expect(opts.msgIdFn).toBe(msgIdFn)
    expect(opts.fastMsgIdFn).toBe(fastMsgIdFn)
  })

  it('scores every measurement and attestation shard, with valid params and thresholds', () => {
    for (const p of [params, mainnet]) {
      const opts = gossipsubOptions(p, { loopback: false })
      expect(Object.keys(opts.scoreParams?.topics ?? {}).sort()).toEqual([...measurementTopics(p), ...attestationTopics(p)].sort())
      const score = createPeerScoreParams(opts.scoreParams)
      expect(() => validatePeerScoreParams(score)).not.toThrow()
      expect(() => validatePeerScoreThresholds(createPeerScoreThresholds(opts.scoreThresholds))).not.toThrow()
      for (const topic of Object.values(score.topics)) expect(topic.invalidMessageDeliveriesWeight).toBeLessThan(-10)
    }
  })

  it('takes the scored topics as a list or a filter', () => {
    const only = [measurementTopic(params, 0)]
    expect(Object.keys(gossipsubOptions(params, { loopback: true, scoreTopics: only }).scoreParams?.topics ?? {})).toEqual(only)
    const filtered = gossipsubOptions(params, { loopback: true, scoreTopics: (t) => t.includes('/attestations/') })
    expect(Object.keys(filtered.scoreParams?.topics ?? {})).toEqual(attestationTopics(params))
  })

  it('uses devnet mesh parameters and drops the IP-colocation penalty on loopback only', () => {
    const loop = gossipsubOptions(params, { loopback: true })
    expect(loop).toMatchObject({ D: 4, Dlo: 2, Dhi: 8, Dout: 1, heartbeatInterval: 200 })
    expect(loop.scoreParams?.IPColocationFactorWeight).toBe(0)
    const prod = gossipsubOptions(params, { loopback: false })
    expect(prod.D).toBeUndefined()
    expect(prod.heartbeatInterval).toBeUndefined()
    expect(prod.scoreParams?.IPColocationFactorWeight).toBeLessThan(0)
  })

  it('message ids are the CID of the data; fast ids tell different data apart', () => {
    const key = station(1)
    const m = signMeasurement(measurement(CURRENT_ROUND, key, assigned(CURRENT_ROUND, key)[0]!), key)
    const data = encodeSignedMeasurement(m)
    const topic = measurementTopic(params, 0)
    // the topic, a zero byte, then the measurement's CID: the same message on another topic is another message
    // msgIdFn may return a promise by gossipsub's type; ours is synchronous
    const id = msgIdFn({ type: 'unsigned', topic, data }) as Uint8Array
    expect(id.slice(id.length - measurementCid(m).bytes.length)).toEqual(measurementCid(m).bytes)
    expect(Buffer.from(id.slice(0, topic.length)).toString()).toBe(topic)
    expect(msgIdFn({ type: 'unsigned', topic: `${topic}x`, data })).not.toEqual(id)
    expect(fastMsgIdFn({ topic: `${topic}x`, data })).not.toBe(fastMsgIdFn({ topic, data }))
    expect(fastMsgIdFn({ topic, data })).toBe(fastMsgIdFn({ topic, data: new Uint8Array(data) }))
    expect(fastMsgIdFn({ topic, data })).not.toBe(fastMsgIdFn({ topic, data: data.slice(1) }))
  })
})

describe('toValidatorResult', () => {
  it('maps the action to Reject or Ignore and labels it with the code', () => {
    expect(toValidatorResult(new GossipValidationError('TASK_WRONG_NODE', 'reject', 'x'))).toEqual({
      result: TopicValidatorResult.Reject,
      label: 'TASK_WRONG_NODE',
    })
    expect(toValidatorResult(new GossipValidationError('ROUND_CLOSED', 'ignore', 'x'))).toEqual({
      result: TopicValidatorResult.Ignore,
      label: 'ROUND_CLOSED',
    })
    expect(toValidatorResult(new TypeError('bug'))).toEqual({ result: TopicValidatorResult.Ignore, label: INTERNAL_ERROR })
  })
})

describe('registerValidators', () => {
  const peer = { toString: () => 'peer' } as unknown as PeerId
  const mTopic = measurementTopic(params, 0)
  const aTopic = attestationTopic(params, 0)

  function fakePubsub() {
    return { topicValidators: new Map<string, (p: PeerId, msg: { type: 'unsigned'; topic: string; data: Uint8Array }) => unknown>() }
  }

  it('routes by topic kind, returns verdicts explicitly and counts them', async () => {
    const pubsub = fakePubsub()
    const accepted: string[] = []
    const validators: GossipValidators = {
      measurement: (data) => {
        if (data[0] === 1) throw new GossipValidationError('INVALID_SIGNATURE', 'reject', 'forged')
        if (data[0] === 2) throw new GossipValidationError('ROUND_CLOSED', 'ignore', 'late')
        return { measurement: {}, cid: {} } as unknown as ValidatedMeasurement
      },
      attestation: async () => ({ attestation: {}, cid: {} }) as unknown as ValidatedAttestation,
    }
    const metrics = registerValidators(pubsub as never, validators, {
      topics: [mTopic, aTopic],
      onAccept: (a) => accepted.push(`${a.kind}@${a.topic}`),
    })
    const run = (topic: string, byte: number) =>
      pubsub.topicValidators.get(topic)?.(peer, { type: 'unsigned', topic, data: new Uint8Array([byte]) })
    expect(await run(mTopic, 0)).toBe(TopicValidatorResult.Accept)
    expect(await run(mTopic, 1)).toBe(TopicValidatorResult.Reject)
    expect(await run(mTopic, 1)).toBe(TopicValidatorResult.Reject)
    expect(await run(mTopic, 2)).toBe(TopicValidatorResult.Ignore)
    expect(await run(aTopic, 0)).toBe(TopicValidatorResult.Accept)
    expect(accepted).toEqual([`measurement@${mTopic}`, `attestation@${aTopic}`])
    expect(metrics.accepted).toEqual(
      new Map([
        ['measurement', 1],
        ['attestation', 1],
      ]),
    )
    expect(metrics.rejected).toEqual(new Map([['INVALID_SIGNATURE', 2]]))
    expect(metrics.ignored).toEqual(new Map([['ROUND_CLOSED', 1]]))
  })

  it('never throws: a crashing validator is Ignore/INTERNAL_ERROR, a crashing onAccept still Accept', async () => {
    const pubsub = fakePubsub()
    const internal: unknown[] = []
    const metrics = registerValidators(
      pubsub as never,
      {
        measurement: () => {
          throw new TypeError('bug')
        },
        attestation: () => ({}) as ValidatedAttestation,
      },
      {
        topics: [mTopic, aTopic],
        onAccept: () => {
          throw new Error('store full')
        },
        onInternalError: (err) => internal.push(err),
      },
    )
    const msg = (topic: string) => ({ type: 'unsigned' as const, topic, data: new Uint8Array([0]) })
    expect(await pubsub.topicValidators.get(mTopic)?.(peer, msg(mTopic))).toBe(TopicValidatorResult.Ignore)
    expect(await pubsub.topicValidators.get(aTopic)?.(peer, msg(aTopic))).toBe(TopicValidatorResult.Accept)
    expect(metrics.ignored.get(INTERNAL_ERROR)).toBe(1)
    expect(internal).toHaveLength(2)
  })

  it('adds to shared metrics, and refuses topics it cannot route', () => {
    const pubsub = fakePubsub()
    const metrics = registerValidators(pubsub as never, gossipValidators(validationContext()), { topics: [mTopic] })
    expect(registerValidators(pubsub as never, gossipValidators(validationContext()), { topics: [aTopic], metrics })).toBe(metrics)
    expect([...pubsub.topicValidators.keys()]).toEqual([mTopic, aTopic])
    expect(() => registerValidators(pubsub as never, gossipValidators(validationContext()), { topics: ['/other/topic'] })).toThrow(
      RangeError,
    )
  })

  it('wires the real validators: a malformed message is rejected', async () => {
    const pubsub = fakePubsub()
    const metrics = registerValidators(pubsub as never, gossipValidators(validationContext()), { topics: [mTopic] })
    const data = dagCbor.encode({ not: 'a measurement' })
    expect(await pubsub.topicValidators.get(mTopic)?.(peer, { type: 'unsigned', topic: mTopic, data })).toBe(TopicValidatorResult.Reject)
    expect(metrics.rejected.get('MEASUREMENT_MALFORMED')).toBe(1)
  })
})
