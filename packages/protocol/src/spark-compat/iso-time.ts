/*
 * The one timestamp form Spark's checkers published, \`2025-03-01T12:01:37.424Z\`, read without
 * \`new Date\`: four of them per measurement made date parsing a tenth of an evaluation. Anything
 * else, and any value where the two could differ, is left to \`new Date\` (undefined here).
 */

/** The `len`-digit number at `at`; NaN if any of those characters is not a digit. */
function digits(text: string, at: number, len: number): number {
  let v = 0
  for (let i = at; i < at + len; i++) {
    const d = text.charCodeAt(i) - 48
    if (!(d >= 0 && d <= 9)) return Number.NaN
    v = v * 10 + d
  }
  return v
}

// the last day met: a round's timestamps fall on one or two days, and Date.UTC is not free
let lastDay = Number.NaN
let lastDayMs = 0

/** \`new Date(text).getTime()\` for \`YYYY-MM-DDTHH:MM:SS.sssZ\` in plain ranges; undefined for anything else. */
export function isoUtcMillis(text: string): number | undefined {
  if (text.length !== 24) return undefined
  if (
    text.charCodeAt(4) !== 45 /* - */ ||
    text.charCodeAt(7) !== 45 /* - */ ||
    text.charCodeAt(10) !== 84 /* T */ ||
    text.charCodeAt(13) !== 58 /* : */ ||
    text.charCodeAt(16) !== 58 /* : */ ||
    text.charCodeAt(19) !== 46 /* . */ ||
    text.charCodeAt(23) !== 90 /* Z */
  ) {
    return undefined
  }
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2)
  const day = digits(text, 8, 2)
  const hour = digits(text, 11, 2)
  const minute = digits(text, 14, 2)
  const second = digits(text, 17, 2)
  const ms = digits(text, 20, 3)
  // NaN fails every test; day 29–31 and hour 24 are left to Date, as are years Date.UTC reads as 19xx
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) {
    return undefined
  }
  // within these ranges Date.UTC(year, month − 1, day, hour, minute, second, ms) is the day's
  // midnight plus the time of day, in exact integers
  const dayKey = (year * 100 + month) * 100 + day
  if (dayKey !== lastDay) {
    lastDayMs = Date.UTC(year, month - 1, day)
    lastDay = dayKey
  }
  return lastDayMs + ((hour * 60 + minute) * 60 + second) * 1000 + ms
}
