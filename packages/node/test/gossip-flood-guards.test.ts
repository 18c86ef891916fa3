import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import {
  attestationTopics,
  GossipValidationError,
  type GossipValidators,
  gossipsubOptions,
  IgnoreBudget,
  measurementTopic,
  measurementTopics,
  registerValidators,
  type ValidatedAttestation,
} from '../src/gossip/index.js'
import { params } from './gossip-fixtures.js'

// What keeps a message flood from growing a node's memory without the sender paying for it
// (issue 7, resource safety); the end-to-end flood is test/gossip-flood.e2e.test.ts.

describe('gossipsubOptions', () => {
  it("accepts messages and subscriptions on the network's own topics only", () => {
    const opts = gossipsubOptions(params, { loopback: true })
    expect([...(opts.allowedTopics ?? [])].sort()).toEqual([...measurementTopics(params), ...attestationTopics(params)].sort())
  })
})

describe('IgnoreBudget', () => {
  it('lets a burst through, then refills at its rate, per peer', () => {
    let now = 0
    const budget = new IgnoreBudget({ burst: 3, perSecond: 10, now: () => now })
    expect([1, 2, 3, 4].map(() => budget.spend('a'))).toEqual([true, true, true, false])
    expect(budget.spend('b')).toBe(true)
    now += 100 // one message's worth
    expect([budget.spend('a'), budget.spend('a')]).toEqual([true, false])
  })

  it('tracks a bounded number of peers, forgetting those whose budget is full again', () => {
    let now = 0
    const budget = new IgnoreBudget({ burst: 2, perSecond: 1, maxPeers: 3, now: () => now })
    for (const peer of ['a', 'b', 'c']) budget.spend(peer)
    now += 5_000
    budget.spend('d')
    expect(budget.tracked).toBe(1)
    // all spending at once: the oldest goes rather than the map growing
    for (const peer of ['e', 'f', 'g', 'h']) budget.spend(peer)
    expect(budget.tracked).toBe(3)
  })
})

describe('registerValidators under a flood of Ignored messages', () => {
  const topic = measurementTopic(params, 0)
  const flooder = { toString: () => 'flooder' } as unknown as PeerId
  const restarted = { toString: () => 'honest' } as unknown as PeerId

  function setup() {
    const penalties: string[] = []
    const pubsub = {
      topicValidators: new Map<string, (p: PeerId, msg: { type: 'unsigned'; topic: string; data: Uint8Array }) => unknown>(),
      score: { addPenalty: (peer: string) => penalties.push(peer) },
    }
    const senders: Array<string | undefined> = []
    const codes = ['ROUND_NOT_STARTED', 'ROUND_UNKNOWN', 'CHAIN_BUSY', 'CHAIN_LOOKUP_BUDGET'] as const
    const validators: GossipValidators = {
      measurement: (data, _topic, from) => {
        senders.push(from)
        throw new GossipValidationError(codes[data[0] as number] ?? 'ROUND_NOT_STARTED', 'ignore', 'not now')
      },
      attestation: async () => ({ attestation: {}, cid: {} }) as unknown as ValidatedAttestation,
    }
    const metrics = registerValidators(pubsub as never, validators, {
      topics: [topic],
      ignoreBudget: new IgnoreBudget({ burst: 5, perSecond: 0 }),
    })
    const run = (peer: PeerId, byte: number) =>
      pubsub.topicValidators.get(topic)?.(peer, { type: 'unsigned', topic, data: new Uint8Array([byte]) })
    return { penalties, metrics, run, senders }
  }

  it('penalises the sender for every Ignored message past its budget; the messages stay Ignored', async () => {
    const { penalties, metrics, run } = setup()
    const verdicts = []
    for (let i = 0; i < 8; i++) verdicts.push(await run(flooder, 0))
    expect(verdicts).toEqual(Array(8).fill(TopicValidatorResult.Ignore))
    expect(penalties).toEqual(['flooder', 'flooder', 'flooder'])
    expect(metrics.ignored).toEqual(
      new Map([
        ['ROUND_NOT_STARTED', 5],
        ['IGNORE_BUDGET_EXCEEDED', 3],
      ]),
    )
  })

  it('never charges a peer for what the node itself does not know (ROUND_UNKNOWN, e.g. right after a restart)', async () => {
    const { penalties, run } = setup()
    for (let i = 0; i < 50; i++) await run(restarted, 1)
    expect(penalties).toEqual([])
  })

  it('charges a peer past its chain lookups (CHAIN_LOOKUP_BUDGET), never for a node whose reads are backed up (CHAIN_BUSY)', async () => {
    const { penalties, run, senders } = setup()
    for (let i = 0; i < 50; i++) await run(restarted, 2)
    expect(penalties).toEqual([])
    for (let i = 0; i < 6; i++) await run(flooder, 3)
    expect(penalties).toEqual(['flooder'])
    // the validator is told who relayed each message: the lookup budget is kept per relaying peer
    expect(new Set(senders)).toEqual(new Set(['honest', 'flooder']))
  })
})
