import { type FakeChainRpc, startFakeChainRpc } from '@spark-swarm/devnet'
import { createChainEligibility } from '@spark-swarm/node'
import { type AdmissionParams, delegatedFromEthAddress, eligibilityHeight, participantOfPrivateKey, sha256 } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'

/*
 * Spec §13.4 on the wire: the node's reader asks a Lotus endpoint (the devnet's fake, speaking
 * Lotus' JSON-RPC on loopback) for each participant's balance at the eligibility height of a round.
 * A deposit made after that height does not count, however early in the round it is made.
 */

const FIL = 10n ** 18n
const admission: AdmissionParams = {
  type: 'deposit',
  minDepositAttoFil: (10n * FIL).toString(),
  chainGenesisTime: 1_000_000,
  epochDurationMs: 1_000,
  finalityEpochs: 5,
  windowEpochs: 10,
}
const participant = (label: string) => participantOfPrivateKey(sha256(new TextEncoder().encode(label)))
const [early, poor, late, none] = ['early', 'poor', 'late', 'none'].map(participant) as [string, string, string, string]
// a round that starts at chain epoch 100: its state is read at height floor((100 − 5) / 10) · 10 = 90
const roundStart = admission.chainGenesisTime + 100 * admission.epochDurationMs

let rpc: FakeChainRpc | undefined
afterEach(async () => {
  await rpc?.stop()
  rpc = undefined
})

async function chain(now = roundStart) {
  rpc = await startFakeChainRpc({
    miners: {},
    clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs, now: () => now },
    deposits: [
      { participant: early, balanceAttoFil: (10n * FIL).toString(), fromHeight: 40 },
      { participant: delegatedFromEthAddress(poor), balanceAttoFil: (10n * FIL - 1n).toString(), fromHeight: 40 },
      // funded at 91: after the height that decides the round, before the round's start
      { participant: late, balanceAttoFil: (50n * FIL).toString(), fromHeight: 91 },
    ],
  })
  return rpc
}

describe('chain eligibility (spec §13.4)', () => {
  it('admits the participants that held the deposit at the height, and nobody funded after it', async () => {
    const lotus = await chain()
    const reader = createChainEligibility({ rpcUrl: lotus.url, admission })
    const snapshot = await reader.snapshot(roundStart, [early, poor, late, none])
    expect(snapshot.height).toBe(eligibilityHeight(admission, roundStart))
    expect(snapshot.height).toBe(90)
    expect([...snapshot.eligible]).toEqual([early])
    // the state at 90 was read, by f410 address, as Lotus takes it
    const reads = lotus.calls.filter((c) => c.method === 'Filecoin.StateGetActor')
    expect(reads.map((c) => (c.params as [string])[0]).sort()).toEqual(
      [early, poor, late, none].map((p) => delegatedFromEthAddress(p)).sort(),
    )
    expect(lotus.calls.filter((c) => c.method === 'Filecoin.ChainGetTipSetByHeight').map((c) => (c.params as [number])[0])).toEqual([90])
  })

  it('reads each participant once a window, and the late one is admitted from the next window on', async () => {
    const lotus = await chain(roundStart + 20 * admission.epochDurationMs)
    const reader = createChainEligibility({ rpcUrl: lotus.url, admission })
    await reader.snapshot(roundStart, [early, late])
    // another round in the same window: nothing is read again
    const before = lotus.calls.length
    expect([...(await reader.snapshot(roundStart + 3 * admission.epochDurationMs, [early, late])).eligible]).toEqual([early])
    expect(lotus.calls.length).toBe(before)
    // a round of the next window reads at height 100, where the late deposit is in the state
    const next = await reader.snapshot(roundStart + 10 * admission.epochDurationMs, [early, late])
    expect(next.height).toBe(100)
    expect([...next.eligible].sort()).toEqual([early, late].sort())
  })

  it('names nobody before the chain is a finality old, without asking', async () => {
    const lotus = await chain()
    const reader = createChainEligibility({ rpcUrl: lotus.url, admission })
    expect(await reader.snapshot(admission.chainGenesisTime + 4 * admission.epochDurationMs, [early])).toEqual({
      height: null,
      eligible: new Set(),
    })
    expect(lotus.calls).toEqual([])
  })

  it('rejects with RPC_FAILURE when Lotus cannot answer, and reads again once it can', async () => {
    const lotus = await chain()
    const reader = createChainEligibility({ rpcUrl: lotus.url, admission })
    await lotus.setMode({ kind: 'error', status: 503 })
    await expect(reader.snapshot(roundStart, [early])).rejects.toMatchObject({ code: 'RPC_FAILURE' })
    await lotus.setMode({ kind: 'normal' })
    expect([...(await reader.snapshot(roundStart, [early])).eligible]).toEqual([early])
  })

  it('says whether a deposit is held at the head and at a given height, reading the chain each time', async () => {
    const lotus = await chain()
    const reader = createChainEligibility({ rpcUrl: lotus.url, admission })
    expect(await reader.depositAtHead(late)).toEqual({ height: 100, meetsDeposit: true })
    expect(await reader.depositAtHead(poor)).toEqual({ height: 100, meetsDeposit: false })
    expect(await reader.depositAt(late, 90)).toBe(false)
    expect(await reader.depositAt(late, 91)).toBe(true)
    expect(await reader.depositAt(none, 95)).toBe(false)
  })
})
