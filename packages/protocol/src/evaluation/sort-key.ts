/*
 * A record's 50-bit sort key (spec §7 step 0), kept as 18 + 32 bits so that sorting and masking
 * it with the round's seed stay in small-integer arithmetic.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const BASE32_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 32; i++) BASE32_VALUE[BASE32.charCodeAt(i)] = i

/** [hi, lo] from 10 base32 digits of the CID text; zeros when the text is not base32 (ties then go by text). */
export function digestBits(cid: string): [number, number] {
  let hi = 0
  let lo = 0
  for (let i = 8; i < 18; i++) {
    const v = BASE32_VALUE[cid.charCodeAt(i)] ?? -1
    if (v < 0) return [0, 0]
    // 50 bits: the first 18 go to hi, the last 32 to lo
    const carry = lo >>> 27
    lo = ((lo << 5) | v) >>> 0
    hi = ((hi << 5) | carry) & 0x3ffff
  }
  return [hi, lo]
}

/** [hi, lo] of an explicit 50-bit sort key (see `MeasurementRecord.sortKey`). */
export function sortKeyBits(key: number): [number, number] {
  // a key outside [0, 2^50) would be masked silently into another record's place
  if (!Number.isSafeInteger(key) || key < 0 || key >= 2 ** 50) throw new RangeError(`a sortKey must be an integer in [0, 2^50), got ${key}`)
  return [Math.floor(key / 2 ** 32) & 0x3ffff, key >>> 0]
}
