import { describeError, systemCodes } from '../../retrieval/errors.js'
import type { FetchLike } from '../../retrieval/index.js'

/** What a probe of the indexer found. */
export type ProbeResult = { reachable: true } | { reachable: false; error: string; noNetwork: boolean }

export interface IndexerProbe {
  /** Whether the indexer answers at all; concurrent calls share one request, and a result is reused for `cacheMs`. */
  probe(options?: { signal?: AbortSignal }): Promise<ProbeResult>
}

export interface IndexerProbeInit {
  /** e.g. `https://cid.contact` */
  indexerUrl: string
  fetch?: FetchLike
  now?: () => number
  /** Limit of one probe; default 5 s. */
  timeoutMs?: number
  /** How long a result stands for the checks that finish at about the same time; default 1 s. */
  cacheMs?: number
}

/** The identity CID of no bytes: a lookup the indexer answers at once (404 on cid.contact), whatever it indexes. */
const PROBE_CID = 'bafkqaaa'

/** Errors that say this host has no network at all, not that the indexer is down. */
const NO_NETWORK_CODES = new Set(['ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN'])

/**
 * A cheap probe of the indexer (spec §5.4): `GET {indexerUrl}/cid/bafkqaaa`. Any HTTP answer, even
 * 404 or 5xx, means the indexer is reachable, so an `IPNI_ERROR_FETCH` of a check is about that
 * lookup, not this host. No answer at all (refused, no route, timeout) means it is unreachable
 * from here: a check's `IPNI_ERROR_FETCH` then says nothing about the provider.
 */
export function createIndexerProbe(init: IndexerProbeInit): IndexerProbe {
  const fetch = init.fetch ?? globalThis.fetch
  const now = init.now ?? Date.now
  const url = `${init.indexerUrl.replace(/\/+$/, '')}/cid/${PROBE_CID}`
  let last: { at: number; result: ProbeResult } | undefined
  let inFlight: Promise<ProbeResult> | undefined

  const run = async (signal: AbortSignal | undefined): Promise<ProbeResult> => {
    const timeout = AbortSignal.timeout(init.timeoutMs ?? 5_000)
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
      await res.body?.cancel()
      return { reachable: true }
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      const codes = [...systemCodes(err)]
      return { reachable: false, error: describeError(err), noNetwork: codes.some((c) => NO_NETWORK_CODES.has(c)) }
    }
  }

  return {
    probe(options = {}) {
      if (last && now() - last.at < (init.cacheMs ?? 1_000)) return Promise.resolve(last.result)
      inFlight ??= run(options.signal)
        .then((result) => {
          last = { at: now(), result }
          return result
        })
        .finally(() => {
          inFlight = undefined
        })
      return inFlight
    },
  }
}
