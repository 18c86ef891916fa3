import type { FakeChainRpc } from '@spark-swarm/devnet'
import { afterEach, describe, expect, it } from 'vitest'
import { gossipValidators } from '../packages/node/src/gossip/kinds.js'
import { createGossipAdmission } from '../packages/node/src/node/admission/gossip-admission.js'
import { validationContext } from '../packages/node/test/gossip-fixtures.js'
import { fakeLotus, measurementOf, outcome, params, readerOf, reads, type Wallet, wallets } from './helpers/v2-gossip-chain.js'

/*
 * Spec §12.5 rule 13a: measurements naming participants this node has no answer for make it read
 * the chain, one Lotus call each, and keys cost nothing to mint. The reads a relaying peer causes
 * are bounded per round, those of all peers together in flight, and the Lotus calls at once;
 * counted at the devnet's fake Lotus on loopback, whose answers take 20 ms like a remote one's.
 */

const funded = wallets('lookups funded', 80)
const minted = wallets('lookups minted', 200)

let lotus: FakeChainRpc | undefined
afterEach(async () => {
  await lotus?.stop()
  lotus = undefined
})

async function node(lookups?: { perPeerPerRound?: number; maxPending?: number }) {
  lotus = await fakeLotus(funded, { latencyMs: 20 })
  const { reader } = readerOf(lotus)
  const admission = createGossipAdmission(reader, lookups ? { lookups } : {})
  return { lotus, validate: gossipValidators({ ...validationContext(), params, admission }).measurement }
}

const tally = (outcomes: string[]) => Object.fromEntries([...new Set(outcomes)].map((o) => [o, outcomes.filter((x) => x === o).length]))

describe('chain lookups caused by gossip (spec §12.5 rule 13a)', () => {
  it('a flood of minted participants from one peer costs its budget of reads, 8 at once; the rest are Ignored unread', async () => {
    const { lotus, validate } = await node()
    const flood = minted.map((w) => measurementOf(w))
    const outcomes = await Promise.all(flood.map((m) => outcome(() => validate(m.bytes, m.topic, 'attacker'))))
    expect(tally(outcomes)).toEqual({ 'NOT_ELIGIBLE:reject': 64, 'CHAIN_LOOKUP_BUDGET:ignore': 136 })
    expect(reads(lotus)).toBe(64)
    expect(lotus.peakInFlight).toBeLessThanOrEqual(8)

    // the answers are kept: another peer relaying the same ones causes no read, and is judged by them
    const again = await Promise.all(flood.slice(0, 64).map((m) => outcome(() => validate(m.bytes, m.topic, 'relay'))))
    expect(tally(again)).toEqual({ 'NOT_ELIGIBLE:reject': 64 })
    expect(reads(lotus)).toBe(64)
    // honest measurements still pass from other peers; the attacker's budget stays spent this round
    const honest = measurementOf(funded[0] as Wallet)
    expect(await outcome(() => validate(honest.bytes, honest.topic, 'attacker'))).toBe('CHAIN_LOOKUP_BUDGET:ignore')
    expect(await outcome(() => validate(honest.bytes, honest.topic, 'honest'))).toBe('accepted')
  })

  it('an honest relay of more eligible participants than its budget spends nothing: each is read once and accepted', async () => {
    const { lotus, validate } = await node()
    const relayed = funded.map((w) => measurementOf(w))
    const outcomes: string[] = []
    // in bursts of 20, as gossip delivers them
    for (let i = 0; i < relayed.length; i += 20) {
      outcomes.push(...(await Promise.all(relayed.slice(i, i + 20).map((m) => outcome(() => validate(m.bytes, m.topic, 'honest'))))))
    }
    expect(tally(outcomes)).toEqual({ accepted: 80 })
    expect(reads(lotus)).toBe(80)
  })

  it('past the reads in flight for all peers together: CHAIN_BUSY, the node’s own state, not a sender’s fault', async () => {
    const { lotus, validate } = await node({ perPeerPerRound: 50, maxPending: 120 })
    const outcomes = await Promise.all(
      minted.map((w, i) => {
        const m = measurementOf(w)
        return outcome(() => validate(m.bytes, m.topic, `peer-${i % 4}`))
      }),
    )
    expect(tally(outcomes)).toEqual({ 'NOT_ELIGIBLE:reject': 120, 'CHAIN_BUSY:ignore': 80 })
    expect(reads(lotus)).toBe(120)
  })
})
