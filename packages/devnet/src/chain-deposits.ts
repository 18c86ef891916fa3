import { participantFromAddress } from '@spark-swarm/protocol'

/*
 * Balances of participants (spec §13) on the fake chain, by height: what `Filecoin.StateGetActor`
 * answers at a tipset. A deposit made at height h is in every state from h on, and in none before,
 * so a test can fund a participant "after the seed" and see it refused.
 */

export interface Deposit {
  /** `0x…` or `f410f…`. */
  participant: string
  balanceAttoFil: string
  /** The first height whose state holds this balance. */
  fromHeight: number
}

export class ChainDeposits {
  // per participant, its balances in height order
  readonly #history = new Map<string, Array<{ fromHeight: number; balance: bigint }>>()

  constructor(deposits: readonly Deposit[] = []) {
    for (const d of deposits) this.set(d)
  }

  /** Records a balance change; later heights win. */
  set(deposit: Deposit): void {
    const key = participantFromAddress(deposit.participant)
    const entries = this.#history.get(key) ?? []
    entries.push({ fromHeight: deposit.fromHeight, balance: BigInt(deposit.balanceAttoFil) })
    entries.sort((a, b) => a.fromHeight - b.fromHeight)
    this.#history.set(key, entries)
  }

  /** The balance in the state at `height`, or undefined when the account has no actor there. */
  balanceAt(address: string, height: number): bigint | undefined {
    let key: string
    try {
      key = participantFromAddress(address)
    } catch {
      return undefined
    }
    let balance: bigint | undefined
    for (const e of this.#history.get(key) ?? []) if (e.fromHeight <= height) balance = e.balance
    return balance
  }
}
