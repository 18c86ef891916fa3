import { taskId } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { attestationTopic, measurementTopic, parseTopic } from '../src/gossip/index.js'
import { createRandomnessSource } from '../src/node/round/randomness.js'
import { type RoundInfo, Rounds } from '../src/node/round/rounds.js'
import { updateSubscriptions } from '../src/node/round/subscriptions.js'
import { params as base, catalogue, station } from './helpers/node-fixtures.js'
import { stubPubsub } from './helpers/stub-pubsub.js'

// one shard per task (spec §1.4), so that rounds put a node's committees on different shards
const params = { ...base, committeeShards: base.tasksPerRound }
const rounds = new Rounds(params, catalogue, createRandomnessSource(params), station(1).stationId)

const shardsOf = (info: RoundInfo) => new Set(info.mine.map((t) => info.shards.get(taskId(t)) as number))
const topicsOf = (pubsub: ReturnType<typeof stubPubsub>, kind: 'measurement' | 'attestation') =>
  new Set(
    pubsub
      .getTopics()
      .map((t) => parseTopic(t))
      .filter((t) => t?.kind === kind)
      .map((t) => t?.shard),
  )

describe('updateSubscriptions (spec §12.1)', () => {
  it('follows measurements of its tasks for two rounds and their attestations for three', async () => {
    const [r3, r4, r5] = await Promise.all([3, 4, 5].map((r) => rounds.get(r)))
    const [s3, s4, s5] = [r3, r4, r5].map((info) => shardsOf(info as RoundInfo))
    const pubsub = stubPubsub()
    updateSubscriptions(pubsub, params, 5, [r3, r4, r5] as RoundInfo[])
    expect(topicsOf(pubsub, 'measurement')).toEqual(new Set([...(s4 as Set<number>), ...(s5 as Set<number>)]))
    expect(topicsOf(pubsub, 'attestation')).toEqual(new Set([...(s3 as Set<number>), ...(s4 as Set<number>), ...(s5 as Set<number>)]))
    // the rounds differ, so the rule is seen at work: a shard of round 3 only is followed for attestations alone
    const only3 = [...(s3 as Set<number>)].filter((s) => !s4?.has(s) && !s5?.has(s))
    expect(only3.length).toBeGreaterThan(0)
    for (const s of only3) {
      expect(pubsub.getTopics()).toContain(attestationTopic(params, s))
      expect(pubsub.getTopics()).not.toContain(measurementTopic(params, s))
    }
  })

  it('leaves the topics of rounds that fell out of the window, and the old summaries topic', async () => {
    const [r3, r4, r5, r6] = await Promise.all([3, 4, 5, 6].map((r) => rounds.get(r)))
    const pubsub = stubPubsub()
    pubsub.subscribe(`/spark-swarm/1/${params.network}/summaries`)
    updateSubscriptions(pubsub, params, 5, [r3, r4, r5] as RoundInfo[])
    updateSubscriptions(pubsub, params, 6, [r4, r5, r6] as RoundInfo[])
    const fresh = stubPubsub()
    updateSubscriptions(fresh, params, 6, [r4, r5, r6] as RoundInfo[])
    expect(pubsub.getTopics().sort()).toEqual(fresh.getTopics().sort())
    // a round older than current − 2 handed in by mistake adds nothing
    const again = stubPubsub()
    updateSubscriptions(again, params, 6, [r3, r4, r5, r6] as RoundInfo[])
    expect(again.getTopics().sort()).toEqual(fresh.getTopics().sort())
  })
})
