import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'

/** The faults of a checker's own environment (spec §5.4): while one is set, results it could cause are withheld. */
export const LOCAL_FAULT_CODES = [
  'IPNI_UNREACHABLE',
  'NO_NETWORK',
  'LOTUS_UNREACHABLE',
  'DISK_FULL',
  'CLOCK_OFF',
  'DRAND_UNREACHABLE',
] as const

export type LocalFaultCode = (typeof LOCAL_FAULT_CODES)[number]

/** One fault as status shows it. */
export interface LocalFault {
  code: LocalFaultCode
  /** Unix ms: when it was seen first (it has lasted since). */
  since: number
  /** What failed, for people: the URL or path and the error. */
  message: string
}

/** The `local-fault` event: a fault began (`set`) or ended (`cleared`). */
export interface LocalFaultDetail extends LocalFault {
  state: 'set' | 'cleared'
}

/** What an operator does about each fault: the log line and the status page say it. */
export const LOCAL_FAULT_ADVICE: Record<LocalFaultCode, string> = {
  IPNI_UNREACHABLE: 'check that this host reaches the indexer (--indexer) over the network',
  NO_NETWORK: "check this host's network connection and DNS",
  LOTUS_UNREACHABLE: 'check that this host reaches the chain RPC (--rpc)',
  DISK_FULL: 'free space on the disk of the data dir',
  CLOCK_OFF: "set this host's clock right (NTP)",
  DRAND_UNREACHABLE: 'check that this host reaches the drand API (--drand)',
}

/**
 * The node's current local faults, each set with a code and cleared by it. A change is an event
 * (`local-fault`); setting a fault already set only refreshes its message, so a fault that lasts
 * many checks is said once when it begins and once when it ends.
 */
export class LocalFaults {
  readonly #faults = new Map<LocalFaultCode, LocalFault>()
  readonly #sources = new Map<LocalFaultCode, Set<string>>()
  readonly #events: TypedEventTarget<CheckerNodeEvents>
  readonly #now: () => number

  constructor(events: TypedEventTarget<CheckerNodeEvents>, now: () => number) {
    this.#events = events
    this.#now = now
  }

  /**
   * Sets `code`; true when it was not set before. `source` names who saw it, when several parts
   * can (LOTUS_UNREACHABLE: peer-id lookups and eligibility reads): the fault lasts until every
   * source that set it clears it, so one part's success does not hide another's failure.
   */
  set(code: LocalFaultCode, message: string, source = ''): boolean {
    const sources = this.#sources.get(code) ?? new Set<string>()
    sources.add(source)
    this.#sources.set(code, sources)
    const known = this.#faults.get(code)
    if (known) {
      known.message = message
      return false
    }
    const fault = { code, since: this.#now(), message }
    this.#faults.set(code, fault)
    this.#events.emit('local-fault', { state: 'set', ...fault })
    return true
  }

  /** Clears `code` for `source`; true when that ended the fault. `message` says why it is over. */
  clear(code: LocalFaultCode, message: string, source = ''): boolean {
    const known = this.#faults.get(code)
    if (!known) return false
    const sources = this.#sources.get(code)
    sources?.delete(source)
    if (sources && sources.size > 0) return false
    this.#sources.delete(code)
    this.#faults.delete(code)
    this.#events.emit('local-fault', { state: 'cleared', code, since: known.since, message })
    return true
  }

  has(code: LocalFaultCode): boolean {
    return this.#faults.has(code)
  }

  /** The codes set now. */
  codes(): ReadonlySet<LocalFaultCode> {
    return new Set(this.#faults.keys())
  }

  /** The faults set now, oldest first (copies). */
  list(): LocalFault[] {
    return [...this.#faults.values()].map((f) => ({ ...f }))
  }
}
