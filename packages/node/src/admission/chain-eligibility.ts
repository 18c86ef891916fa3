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
import { createLimiter } from '../util/limiter.js'

/*
 * Who is eligible in a version-2 round (spec §13.4), read from the chain the node already asks for
 * miners' peer ids: the state at `eligibilityHeight`, a finality behind the round's start, so every
 * honest Lotus answers the same. Each participant is read once per height (a height lasts a whole
 * window of rounds): concurrent asks share one read, and every read of this node, whoever asks,
 * waits for one of `concurrency` slots, so no flood of asks puts more calls in flight at Lotus.
 */

export interface ChainEligibility {
  /** Which of `participants` are eligible in the round that starts at `roundStartMs`. Rejects (RPC_FAILURE) when Lotus cannot answer. */
  snapshot(roundStartMs: number, participants: Iterable<string>, options?: { signal?: AbortSignal }): Promise<AdmissionSnapshot>
  /** Whether `snapshot` would answer for `participant` without a new balance read: the answer is kept, or being read. */
  known(roundStartMs: number, participant: string): boolean
  /** The participants known to be eligible in the round that starts at `roundStartMs` (kept answers only). */
  eligibleKnown(roundStartMs: number): string[]
  /** Whether `participant` holds the deposit at the chain's head now, and the head's height: from when it will count. Not cached. */
  depositAtHead(participant: string, options?: { signal?: AbortSignal }): Promise<{ height: number; meetsDeposit: boolean }>
  /** Whether `participant` held the deposit in the state at `height` (at or below the head). Not cached. */
  depositAt(participant: string, height: number, options?: { signal?: AbortSignal }): Promise<boolean>
}

export interface ChainEligibilityInit extends LotusRpcInit {
  admission: AdmissionParams
  /** Lotus calls in flight at once, all callers together; default 8. */
  concurrency?: number
  /** Ineligible answers kept per height; past it the oldest are forgotten (read again if asked). Default 100,000. */
  maxIneligibleKept?: number
  /** One call's budget; default 10 s. */
  attemptTimeoutMs?: number
  fetch?: FetchLike
}

// heights whose answers are kept: the current window's, the one before it (rounds near a window's
// edge) and the next one, read ahead in a window's last round (window-prefetch.ts)
const KEPT_HEIGHTS = 3
const ACTOR_NOT_FOUND = /actor not found/i

interface HeightEntry {
  tipset: Promise<unknown>
  // eligible ones cost a deposit each, so the set is bounded by money; ineligible ones cost nothing, so theirs is capped
  eligible: Set<string>
  ineligible: Set<string>
  reading: Map<string, Promise<boolean>>
}

export function createChainEligibility(init: ChainEligibilityInit): ChainEligibility {
  const rpc = createRpcCaller(init)
  const limiter = createLimiter(init.concurrency ?? 8)
  // The budget of a call starts when it gets its slot, not while it waits for one; a call whose
  // asker gave up while it waited is not made.
  const call = (method: string, params: unknown[], signal: AbortSignal | undefined) =>
    limiter.run(async () => {
      signal?.throwIfAborted()
      return rpc(method, params, attempt(signal))
    })
  const maxIneligible = init.maxIneligibleKept ?? 100_000
  const attempt = (signal: AbortSignal | undefined) => {
    const timeout = AbortSignal.timeout(init.attemptTimeoutMs ?? 10_000)
    return signal ? AbortSignal.any([signal, timeout]) : timeout
  }
  const byHeight = new Map<number, HeightEntry>()

  const tipsetAt = async (height: number, signal?: AbortSignal) => {
    const ts = (await call('Filecoin.ChainGetTipSetByHeight', [height, null], signal)) as { Cids?: unknown } | null
    if (!Array.isArray(ts?.Cids)) throw rpcFailure(`Filecoin.ChainGetTipSetByHeight(${height}) returned no tipset key`, true)
    return ts.Cids
  }

  // A read is shared by all who ask while it runs, under the first one's signal: the node's parts
  // all pass the node's own, so a read ends early only when the node stops.
  const atHeight = (height: number, signal: AbortSignal | undefined) => {
    let entry = byHeight.get(height)
    if (!entry) {
      const tipset = tipsetAt(height, signal)
      entry = { tipset, eligible: new Set(), ineligible: new Set(), reading: new Map() }
      byHeight.set(height, entry)
      // a failed read is asked again next time, not kept (unless a newer entry took its place)
      const made = entry
      tipset.catch(() => {
        if (byHeight.get(height) === made) byHeight.delete(height)
      })
      for (const h of [...byHeight.keys()].sort((a, b) => b - a).slice(KEPT_HEIGHTS)) byHeight.delete(h)
    }
    return entry
  }

  const balanceOf = async (participant: string, tipset: unknown, signal?: AbortSignal): Promise<bigint> => {
    try {
      const actor = (await call('Filecoin.StateGetActor', [delegatedFromEthAddress(participant), tipset], signal)) as {
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

  /** One participant's answer at the entry's height: kept, being read (shared), or read now. */
  const answerOf = (entry: HeightEntry, participant: string, signal: AbortSignal | undefined): boolean | Promise<boolean> => {
    if (entry.eligible.has(participant)) return true
    if (entry.ineligible.has(participant)) return false
    let reading = entry.reading.get(participant)
    if (!reading) {
      reading = (async () => meetsDeposit(init.admission, await balanceOf(participant, await entry.tipset, signal)))()
      entry.reading.set(participant, reading)
      reading.then(
        (yes) => {
          if (yes) entry.eligible.add(participant)
          else {
            if (entry.ineligible.size >= maxIneligible) entry.ineligible.delete(entry.ineligible.values().next().value as string)
            entry.ineligible.add(participant)
          }
        },
        () => {},
      )
      void reading.catch(() => {}).finally(() => entry.reading.delete(participant))
    }
    return reading
  }

  return {
    async depositAt(participant, height, options = {}) {
      return meetsDeposit(init.admission, await balanceOf(participant, await tipsetAt(height, options.signal), options.signal))
    },
    async depositAtHead(participant, options = {}) {
      const head = (await call('Filecoin.ChainHead', [], options.signal)) as { Cids?: unknown; Height?: unknown } | null
      if (!Array.isArray(head?.Cids) || typeof head.Height !== 'number') throw rpcFailure('Filecoin.ChainHead returned no tipset', true)
      const balance = await balanceOf(participant, head.Cids, options.signal)
      return { height: head.Height, meetsDeposit: meetsDeposit(init.admission, balance) }
    },
    known(roundStartMs, participant) {
      const height = eligibilityHeight(init.admission, roundStartMs)
      if (height === null) return true
      const entry = byHeight.get(height)
      return entry !== undefined && (entry.eligible.has(participant) || entry.ineligible.has(participant) || entry.reading.has(participant))
    },
    eligibleKnown(roundStartMs) {
      const height = eligibilityHeight(init.admission, roundStartMs)
      return height === null ? [] : [...(byHeight.get(height)?.eligible ?? [])]
    },
    async snapshot(roundStartMs, participants, options = {}) {
      const height = eligibilityHeight(init.admission, roundStartMs)
      if (height === null) return { height, eligible: new Set() }
      const entry = atHeight(height, options.signal)
      const wanted = [...new Set(participants)]
      const answers = await Promise.all(wanted.map((p) => answerOf(entry, p, options.signal)))
      return { height, eligible: new Set(wanted.filter((_, i) => answers[i])) }
    },
  }
}
