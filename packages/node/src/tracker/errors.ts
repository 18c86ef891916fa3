/** Stable codes of TrackerError. */
export type TrackerErrorCode =
  /** No answer: connection refused or reset, DNS failure, timeout, or a 502/503/504 from a proxy. */
  | 'TRACKER_UNREACHABLE'
  /** An answer, but not one the protocol allows: another status, or a body that does not validate. */
  | 'TRACKER_BAD_RESPONSE'
  /** `createTrackerClient` was given a bad URL or version. */
  | 'TRACKER_OPTIONS_INVALID'
  /** `joinNetwork`: the tracker cannot answer and the data dir holds no params it gave before. */
  | 'NETWORK_PARAMS_UNAVAILABLE'

/**
 * The tracker could not be asked, or answered nonsense. Either way the node keeps working on the
 * params it cached; `message` says which tracker and what happened.
 */
export class TrackerError extends Error {
  override readonly name = 'TrackerError'
  readonly code: TrackerErrorCode
  /** The HTTP status when there was one. */
  readonly status: number | undefined

  constructor(code: TrackerErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options.status
  }
}
