import { homedir } from 'node:os'
import { join } from 'node:path'
import { InvalidArgumentError } from 'commander'
import { LOG_LEVELS, type LogLevel } from '../log-levels.js'

/*
 * The option parsers and defaults the commands share. A parser throws commander's
 * InvalidArgumentError, so a bad value is a usage error (exit 2) naming the flag.
 */

export function nonNegativeInteger(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer.')
  return n
}

/** A repeatable option: each use adds one value. */
/** A commander argument parser for counts of at least one. */
export function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value)
  if (n === 0) throw new InvalidArgumentError('must be at least 1.')
  return n
}

export function collect(value: string, previous: string[] | false = []): string[] {
  // `--no-amino --amino x`: the later flag wins, as commander's do
  return [...(previous || []), value]
}

export function logLevel(value: string): LogLevel {
  if (!LOG_LEVELS.includes(value as LogLevel)) throw new InvalidArgumentError(`use one of ${LOG_LEVELS.join(', ')}.`)
  return value as LogLevel
}

/** `--log-level`'s help text, the same for every command that takes it. */
export const LOG_LEVEL_HELP = `one of ${LOG_LEVELS.join(', ')}`

export function defaultDataDir(): string {
  return join(homedir(), '.spark-swarm')
}
