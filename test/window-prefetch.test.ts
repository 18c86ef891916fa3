import { type FakeChainRpc, startFakeChainRpc } from '@spark-swarm/devnet'
import { type AdmissionParams, eligibilityHeight, roundStartTime } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createChainEligibility } from '../packages/node/src/admission/chain-eligibility.js'
import { gossipValidators } from '../packages/node/src/gossip/kinds.js'
import { createAdmissionReader } from '../packages/node/src/node/admission/chain-watch.js'
import { createGossipAdmission } from '../packages/node/src/node/admission/gossip-admission.js'
import { createWindowPrefetch } from '../packages/node/src/node/admission/window-prefetch.js'
import { TypedEventTarget } from '../packages/node/src/node/events.js'
import { LocalFaults } from '../packages/node/src/node/health/local-faults.js'
import { validationContext } from '../packages/node/test/gossip-fixtures.js'
import { FakeClock } from '../packages/node/test/helpers/fake-clock.js'
import { admission as base, measurementOf, outcome, reads, params as v2, wallets } from './helpers/v2-gossip-chain.js'

/*
 * window-prefetch.ts: at a window's edge all participants are new at the next height, and one
 * relaying peer delivering more of them at once than its lookup budget would see the rest
 * Ignored. Read ahead in the window's last round, they are known when the next one starts.
 * Counted at the devnet's fake Lotus on loopback.
 */

const FIL = 10n ** 18n
const funded = wallets('prefetch funded', 80)

let lotus: FakeChainRpc | undefined
afterEach(async () => {
  await lotus?.stop()
  lotus = undefined
})

async function setup(admission: AdmissionParams, clock: FakeClock) {
  const params = { ...v2, admission }
  lotus = await startFakeChainRpc({
    miners: {},
    clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs, now: () => clock.now() },
    deposits: funded.map((w) => ({ participant: w.address, balanceAttoFil: (10n * FIL).toString(), fromHeight: 0 })),
  })
  const chain = createChainEligibility({ rpcUrl: lotus.url, admission })
  const signal = new AbortController().signal
  const reader = createAdmissionReader(params, chain, new LocalFaults(new TypedEventTarget(), () => 0), signal)
  const prefetch = createWindowPrefetch({ params, chain, clock, signal })
  return { lotus, params, chain, reader, prefetch }
}

/** The last round of a window from `from` on. */
function lastOfWindow(params: typeof v2 & { admission: AdmissionParams }, from: number): number {
  const h = (r: number) => eligibilityHeight(params.admission, roundStartTime(params, r))
  let r = from
  while (h(r) === h(r + 1)) r++
  return r
}

describe('the next window read ahead', () => {
  it('a burst of more participants than one peer’s budget at a window’s first round: all accepted when read ahead', async () => {
    // rounds of a minute, windows of ten, a finality of twenty rounds: the next height is final long before
    const admission = { ...base, windowEpochs: 600, finalityEpochs: 1_200 }
    const outcomesAt = async (prefetched: boolean) => {
      const clock = new FakeClock(0)
      const { lotus, params, chain, reader, prefetch } = await setup(admission, clock)
      const last = lastOfWindow(params, 30)
      await clock.advanceTo(roundStartTime(params, last) + 1_000)
      // the window's rounds read them at its height
      await chain.snapshot(
        roundStartTime(params, last),
        funded.map((w) => w.address),
      )
      if (prefetched) {
        prefetch.atRoundStart(last)
        await prefetch.running
      }
      const readsBefore = reads(lotus)
      await clock.advanceTo(roundStartTime(params, last + 1) + 1_000)
      const ctx = {
        ...validationContext({ currentRound: last + 1 }),
        now: () => clock.now(),
        params,
        admission: createGossipAdmission(reader),
      }
      const validate = gossipValidators(ctx).measurement
      const outcomes = await Promise.all(
        funded.map((w) => {
          const m = measurementOf(w, last + 1)
          return outcome(() => validate(m.bytes, m.topic, 'relay'))
        }),
      )
      await lotus.stop()
      return { ignored: outcomes.filter((o) => o === 'CHAIN_LOOKUP_BUDGET:ignore').length, readsThen: reads(lotus) - readsBefore }
    }
    expect(await outcomesAt(false)).toEqual({ ignored: 16, readsThen: 64 })
    expect(await outcomesAt(true)).toEqual({ ignored: 0, readsThen: 0 })
  })

  it('waits, when the next height is not in the chain at the round start, until it is', async () => {
    // devnet-v2's shape: 10-second rounds, read 5 epochs behind in windows of 5: each round a new height
    const admission = { ...base, windowEpochs: 5, finalityEpochs: 5, chainGenesisTime: v2.genesisTime }
    const clock = new FakeClock(0)
    const { lotus, params, chain } = await setup(admission, clock)
    const paramsShort = { ...params, roundDurationMs: 10_000 }
    const round = 40
    const start = roundStartTime(paramsShort, round)
    await clock.advanceTo(start)
    const short = createWindowPrefetch({ params: paramsShort, chain, clock, signal: new AbortController().signal })
    await chain.snapshot(
      start,
      funded.slice(0, 5).map((w) => w.address),
    )
    const before = reads(lotus)
    short.atRoundStart(round)
    await clock.advanceTo(start + 5_000)
    expect(reads(lotus)).toBe(before)
    // the next height (5 epochs on) is in the chain an epoch after it
    await clock.advanceTo(start + 6_000)
    await short.running
    expect(reads(lotus)).toBe(before + 5)
  })
})
