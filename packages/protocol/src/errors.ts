/**
 * The one error type of the protocol package. `code` is stable and meant for callers to branch
 * on; `message` is for people and says what was wrong and what to do.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  readonly code: string
  readonly meta: Record<string, unknown>

  constructor(code: string, message: string, meta: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.meta = meta
  }
}
