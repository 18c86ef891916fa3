/*
 * The last step of the round generators (mainnet-round.js, signed-round.js): lines made in one
 * order, written in another, the order production hands a round out in.
 */
import { closeSync, openSync, writeSync } from 'node:fs'

/** Writes `keyed` ([order key, line] pairs) to `file` by ascending key, equal keys as made; returns the counts. */
export function writeLinesInOrder(file, keyed) {
  // Array.prototype.sort is stable: equal keys keep the order they were made in
  keyed.sort((a, b) => a[0] - b[0])
  const fd = openSync(file, 'w')
  let bytes = 0
  try {
    for (let at = 0; at < keyed.length; at += 4_096) {
      const lines = keyed.slice(at, at + 4_096).map((k) => k[1])
      bytes += writeSync(fd, `${lines.join('\n')}\n`)
    }
  } finally {
    closeSync(fd)
  }
  return { lines: keyed.length, bytes }
}
