import type * as fc from 'fast-check'

/**
 * One decoder or validator under fuzzing. `run` feeds it one input and returns undefined when the
 * input was accepted, or the code of a rejection the decoder reports as a result (an IPNI answer
 * it classifies, a round export that does not verify). A rejection thrown as an error counts when
 * `codeOf` recognises the error as the target's documented error class carrying a code; anything
 * else thrown (TypeError, RangeError, a plain Error) is a crash.
 */
export interface FuzzTarget<T = unknown> {
  name: string
  /** Random and mutated inputs: mostly mutations of valid encodings, which get past the first check. */
  arbitrary: fc.Arbitrary<T>
  run(input: T): string | undefined | Promise<string | undefined>
  /** The code of a documented rejection, or undefined when `err` is not one. */
  codeOf(err: unknown): string | undefined
  /** The codes rejections may carry; an entry ending in `*` is a prefix (`ERROR_*`). */
  codes: readonly string[]
  /** Async targets: an input still running after this long is a hang (sync ones are timed instead). */
  timeoutMs?: number
  /** Called once after the runs: a problem left behind (e.g. a server that stopped answering). */
  finish?(): Promise<string | undefined>
  close?(): Promise<void>
}

/** A post-condition that an accepted input broke: the decoder let through what it must refuse. */
export class FuzzInvariantError extends Error {
  override readonly name = 'FuzzInvariantError'
}

/** Throws FuzzInvariantError with `message` unless `condition` holds. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FuzzInvariantError(message)
}

/** `err.code` when `err` is an instance of `ErrorClass` with a non-empty string code. */
export function codeWhenInstance(err: unknown, ErrorClass: abstract new (...args: never[]) => Error): string | undefined {
  if (!(err instanceof ErrorClass)) return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && code !== '' ? code : undefined
}

export function isKnownCode(code: string, codes: readonly string[]): boolean {
  return codes.some((c) => (c.endsWith('*') ? code.startsWith(c.slice(0, -1)) : c === code))
}
