import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { CliError, EXIT } from './cli-error.js'

const PROGRESS_EVERY = 100_000

/**
 * Progress on long reads, on stderr (stdout carries the result): a line updated in place on a
 * terminal, a plain line otherwise. Files under 100,000 lines print nothing.
 */
function readProgress(path: string): (lines: number) => void {
  const tty = process.stderr.isTTY === true
  return (lines) => {
    const text = `reading ${path === '-' ? 'stdin' : path}: ${lines.toLocaleString('en-US')} lines`
    process.stderr.write(tty ? `\r${text}` : `${text}\n`)
  }
}

export type NdjsonLine = { line: number; value: unknown } | { line: number; error: string }

/**
 * Streams an NDJSON file (or stdin for "-") line by line, never holding the raw text in memory.
 * Blank lines are skipped; a line that is not JSON is yielded as an error, not thrown, so one bad
 * line never loses the rest.
 */
export async function* readNdjson(path: string, stdin: Readable = process.stdin): AsyncGenerator<NdjsonLine> {
  const input = path === '-' ? stdin : createReadStream(path)
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') return resolve()
    input.once('open', () => resolve())
    input.once('error', (err: NodeJS.ErrnoException) =>
      reject(new CliError(`cannot read measurements file ${path}: ${err.code ?? err.message}; check the path`, EXIT.failure)),
    )
  })
  await opened
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  const progress = readProgress(path)
  let n = 0
  for await (const text of lines) {
    n++
    if (n % PROGRESS_EVERY === 0) progress(n)
    if (text.trim() === '') continue
    try {
      yield { line: n, value: JSON.parse(text) }
    } catch (err) {
      yield { line: n, error: `line ${n}: not valid JSON (${(err as Error).message})` }
    }
  }
}
