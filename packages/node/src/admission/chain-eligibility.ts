import {
  type AdmissionParams,
  type AdmissionSnapshot,
  delegatedFromEthAddress,
  eligibilityHeight,
  meetsDeposit,
} from '@spark-swarm/protocol'
import { RetrievalError } from '../retrieval/errors.js'
import { createRpcCaller, type LotusRpcInit, rpcFailure } from '../retrieval/lotus-rpc.js'
import type { FetchLike } from '../retrieval/types.js'

/*
 * Who is eligible in a version-2 round (spec §13.4), read from the chain the node already asks for
 * miners' peer ids: the state at `eligibilityHeight`, a finality behind the round's start, so every
 * honest Lotus answers the same. Each participant is read once per height (a height lasts a whole
 * window of rounds), a few at a time.
 */

export interface ChainEligibility {
  /** Which of `participants` are eligible in the round that starts at `roundStartMs`. Rejects (RPC_FAILURE) when Lotus cannot answer. */
  snapshot(roundStartMs: number, participants: Iterable<string>, options?: { signal?: AbortSignal }): Promise<AdmissionSnapshot>
  /** Whether `participant` holds the deposit at the chain's head now, and the head's height: from when it will count. Not cached. */
  depositAtHead(participant: string, options?: { signal?: AbortSignal }): Promise<{ height: number; meetsDeposit: boolean }>
  /** Whether `participant` held the deposit in the state at `height` (at or below the head). Not cached. */
  depositAt(participant: string, height: number, options?: { signal?: AbortSignal }): Promise<boolean>
}

export interface ChainEligibilityInit extends LotusRpcInit {
  admission: AdmissionParams
  /** Balance reads in flight at once; default 8. */
  concurrency?: number
  /** One call's budget; default 10 s. */
  attemptTimeoutMs?: number
  fetch?: FetchLike
}

// heights whose answers are kept: the current window's and the one before it (rounds near a window's edge)
const KEPT_HEIGHTS = 2
const ACTOR_NOT_FOUND = /actor not found/i

export function createChainEligibility(init: ChainEligibilityInit): ChainEligibility {
  const call = createRpcCaller(init)
  const concurrency = init.concurrency ?? 8
  const attempt = (signal: AbortSignal | undefined) => {
    const timeout = AbortSignal.timeout(init.attemptTimeoutMs ?? 10_000)
    return signal ? AbortSignal.any([signal, timeout]) : timeout
  }
  const byHeight = new Map<number, { tipset: Promise<unknown>; eligible: Map<string, boolean> }>()

  const atHeight = (height: number, signal: AbortSignal | undefined) => {
    let entry = byHeight.get(height)
    if (!entry) {
      const tipset = (async () => {
        const ts = (await call('Filecoin.ChainGetTipSetByHeight', [height, null], attempt(signal))) as { Cids?: unknown } | null
        if (!Array.isArray(ts?.Cids)) throw rpcFailure(`Filecoin.ChainGetTipSetByHeight(${height}) returned no tipset key`, true)
        return ts.Cids
      })()
      entry = { tipset, eligible: new Map() }
      byHeight.set(height, entry)
      // a failed read is asked again next time, not kept
      tipset.catch(() => byHeight.delete(height))
      for (const h of [...byHeight.keys()].sort((a, b) => b - a).slice(KEPT_HEIGHTS)) byHeight.delete(h)
    }
    return entry
  }

  const readOne = async (participant: string, tipset: unknown, signal: AbortSignal | undefined): Promise<boolean> => {
    return meetsDeposit(init.admission, await balanceOf(participant, tipset, signal))
  }

  const balanceOf = async (participant: string, tipset: unknown, signal: AbortSignal | undefined): Promise<bigint> => {
    try {
      const actor = (await call('Filecoin.StateGetActor', [delegatedFromEthAddress(participant), tipset], attempt(signal))) as {
        Balance?: unknown
      } | null
      if (typeof actor?.Balance !== 'string' || !/^[0-9]+$/.test(actor.Balance)) {
        throw rpcFailure(`Filecoin.StateGetActor(${participant}) returned no balance`, true)
      }
      return BigInt(actor.Balance)
    } catch (err) {
      // an account without an actor holds nothing: it is an answer, not a failure
      if (err instanceof RetrievalError && err.meta.retryable === false && ACTOR_NOT_FOUND.test(err.message)) return 0n
      throw err
    }
  }

  return {
    async depositAt(participant, height, options = {}) {
      const ts = (await call('Filecoin.ChainGetTipSetByHeight', [height, null], attempt(options.signal))) as { Cids?: unknown } | null
      if (!Array.isArray(ts?.Cids)) throw rpcFailure(`Filecoin.ChainGetTipSetByHeight(${height}) returned no tipset key`, true)
      return meetsDeposit(init.admission, await balanceOf(participant, ts.Cids, options.signal))
    },
    async depositAtHead(participant, options = {}) {
      const head = (await call('Filecoin.ChainHead', [], attempt(options.signal))) as { Cids?: unknown; Height?: unknown } | null
      if (!Array.isArray(head?.Cids) || typeof head.Height !== 'number') throw rpcFailure('Filecoin.ChainHead returned no tipset', true)
      const balance = await balanceOf(participant, head.Cids, options.signal)
      return { height: head.Height, meetsDeposit: meetsDeposit(init.admission, balance) }
    },
    async snapshot(roundStartMs, participants, options = {}) {
      const height = eligibilityHeight(init.admission, roundStartMs)
      if (height === null) return { height, eligible: new Set() }
      const entry = atHeight(height, options.signal)
      const tipset = await entry.tipset
      const unknown = [...new Set(participants)].filter((p) => !entry.eligible.has(p))
      for (let i = 0; i < unknown.length; i += concurrency) {
        const batch = unknown.slice(i, i + concurrency)
        const answers = await Promise.all(batch.map((p) => readOne(p, tipset, options.signal)))
        for (const [j, p] of batch.entries()) entry.eligible.set(p, answers[j] as boolean)
      }
      const eligible = new Set<string>()
      for (const p of participants) if (entry.eligible.get(p)) eligible.add(p)
      return { height, eligible }
    },
  }
}
