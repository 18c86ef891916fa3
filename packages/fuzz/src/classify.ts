import { type FuzzTarget, isKnownCode } from './target.js'

/** A synchronous decoder that takes longer than this on one input hangs. */
export const HANG_MS = 1_000
const DEFAULT_ASYNC_TIMEOUT_MS = 5_000

export type Classification =
  | { outcome: 'accepted'; ms: number }
  | { outcome: 'rejected'; code: string; ms: number }
  | { outcome: 'crash'; error: string; ms: number }
  | { outcome: 'hang'; error: string; ms: number }

const HANG = Symbol('hang')

/**
 * Runs one input through a target and says what happened: accepted, rejected with one of the
 * target's codes, a crash (anything thrown that is not the documented error with a known code, or
 * a broken post-condition), or a hang (slower than HANG_MS, or the async limit).
 */
export async function classify<T>(target: FuzzTarget<T>, input: T): Promise<Classification> {
  const started = performance.now()
  const ms = () => performance.now() - started
  let timer: NodeJS.Timeout | undefined
  let result: string | undefined | typeof HANG
  let sync = true
  try {
    const returned = target.run(input)
    if (returned instanceof Promise) {
      sync = false
      const limit = target.timeoutMs ?? DEFAULT_ASYNC_TIMEOUT_MS
      const hang = new Promise<typeof HANG>((resolve) => {
        timer = setTimeout(() => resolve(HANG), limit)
      })
      result = await Promise.race([returned, hang])
      if (result === HANG) {
        // the input may still settle later: keep a late rejection from being unhandled
        returned.catch(() => {})
        return { outcome: 'hang', error: `no answer within ${limit} ms`, ms: ms() }
      }
    } else {
      result = returned
    }
  } catch (err) {
    const elapsed = ms()
    const code = target.codeOf(err)
    if (code === undefined) return { outcome: 'crash', error: describe(err), ms: elapsed }
    return rejected(target, code, elapsed, sync)
  } finally {
    clearTimeout(timer)
  }
  const elapsed = ms()
  if (result === undefined) return slow(elapsed, sync) ?? { outcome: 'accepted', ms: elapsed }
  return rejected(target, result, elapsed, sync)
}

function rejected<T>(target: FuzzTarget<T>, code: string, elapsed: number, sync: boolean): Classification {
  if (!isKnownCode(code, target.codes))
    return { outcome: 'crash', error: `rejected with an unknown code ${JSON.stringify(code)}`, ms: elapsed }
  return slow(elapsed, sync) ?? { outcome: 'rejected', code, ms: elapsed }
}

/** Synchronous decoders block the event loop: one that takes over HANG_MS on an input hangs. */
function slow(elapsed: number, sync: boolean): Classification | undefined {
  return sync && elapsed > HANG_MS ? { outcome: 'hang', error: `took ${Math.round(elapsed)} ms`, ms: elapsed } : undefined
}

/** The error's class, code and message on one line, shortened: crash reports quote it. */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return `non-error thrown: ${String(err).slice(0, 200)}`
  const code = (err as { code?: unknown }).code
  const text = `${err.name}${code === undefined ? '' : ` [${String(code)}]`}: ${err.message}`
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
