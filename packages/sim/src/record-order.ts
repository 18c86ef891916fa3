import type { MeasurementRecord } from '@spark-swarm/protocol'
import type { RecordPool } from './pool.js'

/*
 * The simulator's records in the evaluator's order. A simulated measurement has no real CID, so
 * each record carries an explicit `sortKey` (a random 50-bit key above the record's index: unique,
 * random in order, sortable natively) and a CID text that is only a unique label: `bafysim` + the
 * key in 10 base32 digits. Whether a record is adversarial travels beside the records, in a byte
 * array in the same order, never in the record.
 */
const BASE32_CODES = Array.from('abcdefghijklmnopqrstuvwxyz234567', (c) => c.charCodeAt(0))
const PREFIX_CODES = Array.from('bafysim', (c) => c.charCodeAt(0))
const TWO_32 = 2 ** 32

function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The label of the record with this key: `bafysim` and the key's 50 bits in base32. */
function labelOf(key: number): string {
  const [b, a, f, y, s, i, m] = PREFIX_CODES as [number, number, number, number, number, number, number]
  const d = BASE32_CODES as number[]
  const hi = Math.floor(key / TWO_32)
  const lo = key >>> 0
  return String.fromCharCode(
    b,
    a,
    f,
    y,
    s,
    i,
    m,
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
}

export interface OrderedRecords {
  /** The records, in ascending `sortKey`: the order the evaluator lists them in. */
  records: MeasurementRecord[]
  /** Per record (same index): 1 when an adversary made it. A view of the pool's reused bytes. */
  adversarial: Uint8Array
}

/**
 * The first `n` pooled records in key order. Record i's 50-bit key is `random · 2^b + i` (b index
 * bits): unique, in random order, and sortable as doubles by the native typed-array sort, so the
 * evaluator's own sort meets sorted input. `adversarial` is by pool index; the result's by record.
 */
export function inKeyOrder(pool: RecordPool, n: number, adversarial: Uint8Array, mix: number): OrderedRecords {
  const bits = Math.max(18, Math.ceil(Math.log2(n + 1)))
  if (bits > 40) throw new RangeError(`too many measurements in one round (${n})`)
  const scale = 2 ** bits
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) keys[i] = (mix32((i ^ mix) >>> 0) >>> (bits - 18)) * scale + i
  keys.sort()
  const records: MeasurementRecord[] = new Array(n)
  const inOrder = pool.orderedFlags(n)
  for (let j = 0; j < n; j++) {
    const key = keys[j] as number
    const i = key % scale
    records[j] = { cid: labelOf(key), measurement: pool.at(i), sortKey: key }
    inOrder[j] = adversarial[i] as number
  }
  return { records, adversarial: inOrder }
}
