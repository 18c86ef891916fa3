/*
 * The floor an evaluator of published NDJSON is measured against (issue 14): read the file line by
 * line and JSON.parse each line, nothing else. `node bench/parse-floor.js <measurements.ndjson>`
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

let lines = 0
let keys = 0
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line === '') continue
  let value
  try {
    value = JSON.parse(line)
  } catch {
    // a malformed line costs its parse, like any other
    continue
  }
  // touch the parsed value, so that the parse cannot be skipped as unused
  keys += value && typeof value === 'object' ? 1 : 0
  lines++
}
console.log(JSON.stringify({ lines, keys }))
