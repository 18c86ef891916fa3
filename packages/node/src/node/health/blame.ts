import type { LocalFaultCode } from './local-faults.js'

/*
 * Whose fault a result is (spec §5.4): pure rules, no I/O. A result a local fault could cause is
 * "suspect": the node probes before signing it, and withholds it while such a fault is set.
 */

/** Results a failing network of the checker's own could cause, whatever the provider does. */
const NETWORK_RESULTS: ReadonlySet<string> = new Set([
  'IPNI_ERROR_FETCH',
  'HOSTNAME_DNS_ERROR',
  'CONNECTION_REFUSED',
  'TIMEOUT',
  'UNKNOWN_FETCH_ERROR',
])

/** The results each fault withholds; `true` for every result. */
const WITHHOLDS: Record<LocalFaultCode, ReadonlySet<string> | true> = {
  IPNI_UNREACHABLE: new Set(['IPNI_ERROR_FETCH']),
  NO_NETWORK: NETWORK_RESULTS,
  // a check that lacks the provider's peer id makes no measurement already (RPC_FAILURE)
  LOTUS_UNREACHABLE: new Set(),
  // a measurement is published only once stored: a full disk withholds it by itself, and the next
  // write, tried as usual, tells when there is room again
  DISK_FULL: new Set(),
  CLOCK_OFF: true,
  DRAND_UNREACHABLE: true,
}

/** Order in which faults are named as the reason: the most specific first. */
const REASON_ORDER: readonly LocalFaultCode[] = [
  'IPNI_UNREACHABLE',
  'NO_NETWORK',
  'DISK_FULL',
  'CLOCK_OFF',
  'DRAND_UNREACHABLE',
  'LOTUS_UNREACHABLE',
]

export type Blame = { publish: true } | { publish: false; reason: LocalFaultCode }

/** Whether a local fault could have caused `retrievalResult`: then the node probes before signing it. */
export function isSuspect(retrievalResult: string): boolean {
  return NETWORK_RESULTS.has(retrievalResult)
}

/** Publish, or withhold naming the fault that could have caused the result (first in REASON_ORDER). */
export function blame(retrievalResult: string, faults: ReadonlySet<LocalFaultCode>): Blame {
  for (const code of REASON_ORDER) {
    if (!faults.has(code)) continue
    const withheld = WITHHOLDS[code]
    if (withheld === true || withheld.has(retrievalResult)) return { publish: false, reason: code }
  }
  return { publish: true }
}

/** One check of a round, as the round rule sees it. */
export interface RoundCheck {
  minerId: string
  retrievalResult: string
}

/** The round rule's thresholds: fewer checks, or a single provider, say nothing about the checker. */
export const ROUND_RULE_MIN_CHECKS = 3
export const ROUND_RULE_MIN_PROVIDERS = 2

/**
 * The fault a round's checks so far point at, if any: every one of them (at least three, of at
 * least two providers) failed with the same suspect result. One provider may fail; all of them
 * failing the same way at once is the checker's own failure.
 */
export function roundFault(checks: readonly RoundCheck[]): LocalFaultCode | undefined {
  if (checks.length < ROUND_RULE_MIN_CHECKS) return undefined
  const first = checks[0]?.retrievalResult as string
  if (!isSuspect(first) || checks.some((c) => c.retrievalResult !== first)) return undefined
  if (new Set(checks.map((c) => c.minerId)).size < ROUND_RULE_MIN_PROVIDERS) return undefined
  return first === 'IPNI_ERROR_FETCH' ? 'IPNI_UNREACHABLE' : 'NO_NETWORK'
}
