import { closeSync, openSync, readSync } from 'node:fs'

const CHUNK = 4 * 1024 * 1024

/**
 * The lines of a byte range of a file, as `readNdjson` splits them (readline with
 * `crlfDelay: Infinity`): `\n` ends a line and a `\r` before it is dropped. A lone `\r` also ends
 * a line for readline; this reader stops at the first one it meets (`loneCarriageReturn`) and the
 * caller reads the file the plain way instead. Each line is decoded on its own, so no UTF-8
 * character is cut.
 */
export function* rangeLines(path: string, start: number, end: number): Generator<string, { loneCarriageReturn: boolean }> {
  const fd = openSync(path, 'r')
  try {
    let buffer = Buffer.allocUnsafe(CHUNK)
    let kept = 0
    let at = start
    while (at < end || kept > 0) {
      if (kept === buffer.length) {
        // a line longer than the buffer: grow it
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger, 0, 0, kept)
        buffer = bigger
      }
      const read = at < end ? readSync(fd, buffer, kept, Math.min(buffer.length - kept, end - at), at) : 0
      at += read
      const filled = kept + read
      const last = at >= end ? filled : buffer.lastIndexOf(10, filled - 1) + 1
      if (last === 0 && read > 0) {
        kept = filled
        continue
      }
      const bytes = buffer.subarray(0, last)
      const cr = bytes.indexOf(13)
      if (cr >= 0 && hasLoneCarriageReturn(bytes, cr)) return { loneCarriageReturn: true }
      // one string per line, not slices of one string per chunk: a value kept from a line (a
      // station id, say) would keep its whole chunk alive
      let from = 0
      while (from < last) {
        let nl = bytes.indexOf(10, from)
        if (nl < 0) nl = last
        const to = nl > from && bytes[nl - 1] === 13 ? nl - 1 : nl
        yield bytes.toString('utf8', from, to)
        from = nl + 1
      }
      buffer.copy(buffer, 0, last, filled)
      kept = filled - last
      if (read === 0) break
    }
    return { loneCarriageReturn: false }
  } finally {
    closeSync(fd)
  }
}

function hasLoneCarriageReturn(bytes: Buffer, first: number): boolean {
  for (let i = first; i >= 0 && i < bytes.length; i = bytes.indexOf(13, i + 1)) {
    if (bytes[i + 1] !== 10) return true
  }
  return false
}
