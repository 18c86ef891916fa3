import * as fc from 'fast-check'
import { type Classification, classify } from './classify.js'
import type { FuzzTarget } from './target.js'

export interface FuzzFailure {
  outcome: 'crash' | 'hang'
  error: string
  /** The input, printed by fast-check (shortened). */
  input: string
}

export interface TargetStats {
  name: string
  inputs: number
  accepted: number
  rejected: number
  crashes: number
  hangs: number
  slowestMs: number
  /** How many rejections carried each code. */
  codes: Map<string, number>
  /** The first few crashes and hangs, with their inputs. */
  failures: FuzzFailure[]
}

export interface RunTargetOptions {
  runs: number
  seed: number
  /**
   * Stop at the first crash or hang and throw fast-check's report: the input shrunk to a small
   * one, with the seed and path that replay it. Tests want this; the bench counts instead.
   */
  stopOnFailure?: boolean
}

const KEEP_FAILURES = 5

/** Feeds `runs` inputs of the target's arbitrary (deterministic for a seed) and counts outcomes. */
export async function runTarget<T>(target: FuzzTarget<T>, options: RunTargetOptions): Promise<TargetStats> {
  const stats: TargetStats = {
    name: target.name,
    inputs: 0,
    accepted: 0,
    rejected: 0,
    crashes: 0,
    hangs: 0,
    slowestMs: 0,
    codes: new Map(),
    failures: [],
  }
  const record = (c: Classification, input: T) => {
    stats.inputs++
    stats.slowestMs = Math.max(stats.slowestMs, c.ms)
    if (c.outcome === 'accepted') stats.accepted++
    else if (c.outcome === 'rejected') {
      stats.rejected++
      stats.codes.set(c.code, (stats.codes.get(c.code) ?? 0) + 1)
    } else {
      if (c.outcome === 'crash') stats.crashes++
      else stats.hangs++
      if (stats.failures.length < KEEP_FAILURES) stats.failures.push({ outcome: c.outcome, error: c.error, input: shortInput(input) })
    }
  }
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    const c = await classify(target, input)
    // shrinking re-runs inputs: count the first pass only
    if (!shrinking) record(c, input)
    if (options.stopOnFailure && (c.outcome === 'crash' || c.outcome === 'hang')) {
      shrinking = true
      throw new Error(`${target.name}: ${c.outcome}: ${c.error}`)
    }
  })
  let shrinking = false
  try {
    await fc.assert(property, { numRuns: options.runs, seed: options.seed })
  } catch (err) {
    // fast-check's report (shrunk input, seed, path) is the message; what failed is the cause
    const cause = (err as Error).cause
    throw new Error(`${cause instanceof Error ? cause.message : 'fuzzing failed'}\n${(err as Error).message}`, { cause })
  } finally {
    const problem = await target.finish?.()
    if (problem) {
      stats.crashes++
      stats.failures.push({ outcome: 'crash', error: problem, input: '(after all inputs)' })
    }
  }
  return stats
}

function shortInput(input: unknown): string {
  let text: string
  try {
    text = fc.stringify(input)
  } catch {
    text = '(an input too deep to print)'
  }
  return text.length > 500 ? `${text.slice(0, 500)}… (${text.length} characters)` : text
}
