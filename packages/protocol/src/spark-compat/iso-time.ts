/*
 * The one timestamp form Spark's checkers published, \`2025-03-01T12:01:37.424Z\`, read without
 * \`new Date\`: four of them per measurement made date parsing a tenth of an evaluation. Anything
 * else, and any value where the two could differ, is left to \`new Date\` (undefined here).
 */

const digit = (text: string, at: number): number => {
  const d = text.charCodeAt(at) - 48
  return d >= 0 && d <= 9 ? d : Number.NaN
}

/** \`new Date(text).getTime()\` for \`YYYY-MM-DDTHH:MM:SS.sssZ\` in plain ranges; undefined for anything else. */
export function isoUtcMillis(text: string): number | undefined {
  if (text.length !== 24) return undefined
  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':' ||
    text[19] !== '.' ||
    text[23] !== 'Z'
  ) {
    return undefined
  }
  const n = (at: number, len: number): number => {
    let v = 0
    for (let i = 0; i < len; i++) v = v * 10 + digit(text, at + i)
    return v
  }
  const year = n(0, 4)
  const month = n(5, 2)
  const day = n(8, 2)
  const hour = n(11, 2)
  const minute = n(14, 2)
  const second = n(17, 2)
  const ms = n(20, 3)
  // NaN fails every test; day 29–31 and hour 24 are left to Date, as are years Date.UTC reads as 19xx
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) {
    return undefined
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms)
}
