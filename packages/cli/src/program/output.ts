import { JsonText } from '../json-text.js'

/** Where the commands write: one line at a time, or one JSON document. */

export function stdoutLine(line: string): void {
  process.stdout.write(`${line}\n`)
}

export function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Writes a JSON document to stdout; `pretty` for people, compact for pipes. */
export function printJson(value: unknown, pretty: boolean): void {
  if (value instanceof JsonText) {
    if (pretty) printJson(JSON.parse(value.toString()), true)
    else {
      for (const chunk of value.chunks) process.stdout.write(chunk)
      process.stdout.write('\n')
    }
    return
  }
  process.stdout.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`)
}
