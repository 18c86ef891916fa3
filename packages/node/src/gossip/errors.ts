import { TopicValidatorResult } from '@libp2p/gossipsub'

/**
 * Why a gossip message was not accepted. Codes are stable (metric labels, logs, tests); the
 * tasking codes match the evaluator's labels (spec §7) where the rule is the same.
 */
export type GossipErrorCode =
  | 'MEASUREMENT_TOO_LARGE'
  | 'MEASUREMENT_MALFORMED'
  | 'ATTESTATION_TOO_LARGE'
  | 'ATTESTATION_MALFORMED'
  | 'WRONG_NETWORK'
  | 'WRONG_PROTOCOL_VERSION'
  | 'WRONG_TOPIC'
  | 'ROUND_CLOSED'
  | 'ROUND_TOO_OLD'
  | 'ROUND_NOT_STARTED'
  | 'ROUND_NOT_ENDED'
  | 'ROUND_UNKNOWN'
  | 'TASK_NOT_IN_ROUND'
  | 'TASK_WRONG_NODE'
  | 'NOT_COMMITTEE_MEMBER'
  | 'OUTDATED_CLIENT'
  | 'RESULT_MISMATCH'
  | 'INVALID_SIGNATURE'
  | 'NOT_ELIGIBLE'
  | 'BINDING_INVALID'
  | 'CHAIN_UNREADABLE'
  | 'CHAIN_LOOKUP_BUDGET'
  | 'CHAIN_BUSY'

/**
 * `ignore`: not for us now (a round we cannot judge), no fault of the sender; `reject`: invalid
 * whoever looks at it, and the sender is penalised by peer scoring.
 */
export type GossipAction = 'ignore' | 'reject'

/** Label for a validator that failed with anything but a GossipValidationError: a bug, not the peer's fault. */
export const INTERNAL_ERROR = 'INTERNAL_ERROR'

/** The one error type of gossip validation (STYLE.md, Gossip). */
export class GossipValidationError extends Error {
  override readonly name = 'GossipValidationError'
  readonly code: GossipErrorCode
  readonly action: GossipAction
  readonly meta: Record<string, unknown>

  constructor(code: GossipErrorCode, action: GossipAction, message: string, meta: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.action = action
    this.meta = meta
  }
}

export function reject(code: GossipErrorCode, message: string, meta?: Record<string, unknown>): never {
  throw new GossipValidationError(code, 'reject', message, meta)
}

export function ignore(code: GossipErrorCode, message: string, meta?: Record<string, unknown>): never {
  throw new GossipValidationError(code, 'ignore', message, meta)
}

/**
 * The one translator from a validation failure to gossipsub's verdict and a metric label. Unknown
 * errors are our bugs: Ignore (no penalty for the peer), labelled INTERNAL_ERROR.
 */
export function toValidatorResult(err: unknown): { result: TopicValidatorResult; label: string } {
  if (err instanceof GossipValidationError) {
    return { result: err.action === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore, label: err.code }
  }
  return { result: TopicValidatorResult.Ignore, label: INTERNAL_ERROR }
}
