import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { CliError, EXIT } from './cli-error.js'

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
  let n = 0
  for await (const text of lines) {
    n++
    if (text.trim() === '') continue
    try {
      yield { line: n, value: JSON.parse(text) }
    } catch (err) {
      yield { line: n, error: `line ${n}: not valid JSON (${(err as Error).message})` }
    }
  }
}
