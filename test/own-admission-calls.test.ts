import { type FakeChainRpc, startFakeChainRpc } from '@spark-swarm/devnet'
import { type AdmissionParams, eligibilityHeight, roundStartTime } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createChainEligibility } from '../packages/node/src/admission/chain-eligibility.js'
import { createAdmissionReader } from '../packages/node/src/node/admission/chain-watch.js'
import { createOwnAdmission } from '../packages/node/src/node/admission/own-admission.js'
import { TypedEventTarget } from '../packages/node/src/node/events.js'
import { LocalFaults } from '../packages/node/src/node/health/local-faults.js'
import { admission as base, params as v2, type Wallet, wallets } from './helpers/v2-gossip-chain.js'

/*
 * What an idle node asks Lotus about its own participant (spec §13.4, own-admission.ts), round by
 * round, counted at the devnet's fake Lotus: an eligible one nothing after the window's first
 * read, one that is not its balance at the head (two calls: funded yet? emptied?), and nothing more
 * in the rounds of a window once it knows from which round its deposit counts.
 */

const FIL = 10n ** 18n
// rounds of a minute; a window of ten of them, a finality of twenty
const admission: AdmissionParams = { ...base, windowEpochs: 600, finalityEpochs: 1_200 }
const params = { ...v2, admission }
const [eligible, unfunded, pending] = wallets('own admission', 3) as [Wallet, Wallet, Wallet]

// the first round of a window, and the height its eligibility is read at
const heightOf = (r: number) => eligibilityHeight(admission, roundStartTime(params, r)) as number
let first = 30
while (heightOf(first - 1) === heightOf(first)) first++
const height = heightOf(first)

let lotus: FakeChainRpc | undefined
afterEach(async () => {
  await lotus?.stop()
  lotus = undefined
})

describe('the own participant’s admission, read per round', () => {
  it('costs 0 calls a round when eligible, 2 when not, funded or not, within a window', async () => {
    let now = roundStartTime(params, first) + 1_000
    lotus = await startFakeChainRpc({
      miners: {},
      clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs, now: () => now },
      deposits: [
        { participant: eligible.address, balanceAttoFil: (10n * FIL).toString(), fromHeight: 0 },
        // funded after the next window's height: it counts from the window after that
        { participant: pending.address, balanceAttoFil: (10n * FIL).toString(), fromHeight: height + admission.windowEpochs + 1 },
      ],
    })
    const rpc = lotus
    const said: string[][] = [[], [], []]
    const own = [eligible, unfunded, pending].map(({ address }, i) => {
      const chain = createChainEligibility({ rpcUrl: rpc.url, admission })
      const events = new TypedEventTarget()
      events.addEventListener('activity', (e) => {
        if (e.detail.code === 'ADMISSION') said[i]?.push(e.detail.message)
      })
      const signal = new AbortController().signal
      const reader = createAdmissionReader(params, chain, new LocalFaults(events, () => 0), signal)
      return createOwnAdmission({ params, participant: address, reader, chain, events, signal })
    })
    const perRound: number[][] = [[], [], []]
    for (let round = first; round < first + 5; round++) {
      now = roundStartTime(params, round) + 1_000
      expect(heightOf(round)).toBe(height)
      for (const [i, o] of own.entries()) {
        const before = rpc.calls.length
        await o.check(round)
        perRound[i]?.push(rpc.calls.length - before)
      }
    }
    // the window's first round reads the height (2 calls), the head (2) and, for the funded one, two window heights (4)
    expect(perRound).toEqual([
      [2, 0, 0, 0, 0],
      [4, 2, 2, 2, 2],
      [8, 2, 2, 2, 2],
    ])
    expect(own.map((o) => o.status().eligible)).toEqual([true, false, false])
    expect(own[2]?.status().eligibleFromRound).toBe(first + 20)
    // said once per change, not once a round (docs/operators.md)
    expect(said.map((lines) => lines.length)).toEqual([1, 1, 1])
    expect(said[0]?.[0]).toMatch(/is eligible in round \d+/)
    expect(said[1]?.[0]).toMatch(/holds no deposit/)
    expect(said[2]?.[0]).toMatch(new RegExp(`eligible from round ${first + 20}`))
  })
})
