import type { MeasurementRecord } from '@spark-swarm/protocol'
import type { RecordPool } from './pool.js'

// CID texts: `bafysim` + a flag (a honest, b adversarial) + 10 base32 digits at characters 8–17,
// where the evaluator reads its 50-bit sort key. The key is a random 32-bit number above the
// record's index, so keys are unique, random in order, and sortable natively (see `inKeyOrder`).
const BASE32_CODES = Array.from('abcdefghijklmnopqrstuvwxyz234567', (c) => c.charCodeAt(0))
const PREFIX_CODES = Array.from('bafysim', (c) => c.charCodeAt(0))
export const HONEST_FLAG = 'a'.charCodeAt(0)
export const ADVERSARIAL_FLAG = 'b'.charCodeAt(0)
const TWO_32 = 2 ** 32

function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * The first `n` pooled records in the evaluator's key order, each given its CID text. Record i's
 * 50-bit key is `random · 2^b + i` (b index bits): unique, in random order, and sortable as
 * doubles by the native typed-array sort. The evaluator's own sort then meets sorted input.
 */
export function inKeyOrder(pool: RecordPool, n: number, flags: Uint8Array, mix: number): MeasurementRecord[] {
  const bits = Math.max(18, Math.ceil(Math.log2(n + 1)))
  if (bits > 40) throw new RangeError(`too many measurements in one round (${n})`)
  const scale = 2 ** bits
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) keys[i] = (mix32((i ^ mix) >>> 0) >>> (bits - 18)) * scale + i
  keys.sort()
  const out: MeasurementRecord[] = new Array(n)
  const [b, a, f, y, s, i_, m] = PREFIX_CODES as [number, number, number, number, number, number, number]
  const d = BASE32_CODES as number[]
  for (let j = 0; j < n; j++) {
    const key = keys[j] as number
    const i = key % scale
    const hi = Math.floor(key / TWO_32)
    const lo = key >>> 0
    const cid = String.fromCharCode(
      b,
      a,
      f,
      y,
      s,
      i_,
      m,
      flags[i] as number,
      d[hi >>> 13] as number,
      d[(hi >>> 8) & 31] as number,
      d[(hi >>> 3) & 31] as number,
      d[((hi & 7) << 2) | (lo >>> 30)] as number,
      d[(lo >>> 25) & 31] as number,
      d[(lo >>> 20) & 31] as number,
      d[(lo >>> 15) & 31] as number,
      d[(lo >>> 10) & 31] as number,
      d[(lo >>> 5) & 31] as number,
      d[lo & 31] as number,
    )
    out[j] = { cid, measurement: pool.at(i) }
  }
  return out
}
