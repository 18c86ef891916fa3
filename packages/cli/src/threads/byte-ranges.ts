import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/**
 * Cuts a file into about `parts` byte ranges that start and end at line boundaries (just after a
 * `\n`), for threads that each read one range. Fewer ranges for a file with fewer lines.
 */
export function lineAlignedRanges(path: string, parts: number): Array<{ start: number; end: number }> {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const window = Buffer.allocUnsafe(64 * 1024)
    const cuts = [0]
    for (let k = 1; k < parts; k++) {
      let at = Math.max(Math.floor((size * k) / parts), cuts[cuts.length - 1] as number)
      // the next line start at or after the even cut
      for (;;) {
        const read = readSync(fd, window, 0, window.length, at)
        if (read === 0) {
          at = size
          break
        }
        const nl = window.subarray(0, read).indexOf(10)
        if (nl >= 0) {
          at += nl + 1
          break
        }
        at += read
      }
      if (at >= size) break
      if (at > (cuts[cuts.length - 1] as number)) cuts.push(at)
    }
    cuts.push(size)
    return cuts.slice(0, -1).map((start, k) => ({ start, end: cuts[k + 1] as number }))
  } finally {
    closeSync(fd)
  }
}
