import { hash } from 'node:crypto'
import { sha256, toHex } from '@spark-swarm/protocol'

/*
 * Seeded randomness for the simulator. Every stochastic choice of a run draws from an `Rng` whose
 * seed is derived from the scenario seed and a purpose (round, what is being drawn), so a run is
 * reproducible bit for bit and rounds are independent of each other (which is what lets workers
 * run disjoint rounds and still produce the sequential result).
 */

const TWO_32 = 2 ** 32

/**
 * A hex seed for one purpose: `SHA-256("spark-swarm/sim" ‖ 0x00 ‖ part1 ‖ 0x00 ‖ part2 …)`.
 *
 * @example
 * deriveSeed('my-scenario', 'outcomes', 12) // the seed of round 12's outcome draws
 */
export function deriveSeed(...parts: Array<string | number>): string {
  return toHex(sha256(['spark-swarm/sim', ...parts.map(String)].join('\0')))
}

/**
 * SHA-256 in counter mode, exactly the protocol's `SeededStream` (`block(i) = SHA-256(seed ‖
 * uint64be(i))`, words read big-endian, `int(n)` by rejection), with the blocks produced by the
 * one-shot hash (about twice as fast: the simulator draws hundreds of thousands of words a round).
 */
export class Rng {
  readonly #input: Buffer
  #counter = 0
  #block: Buffer = Buffer.alloc(0)
  #offset = 32

  constructor(seedHex: string) {
    if (!/^[0-9a-f]{64}$/.test(seedHex)) throw new RangeError('an Rng seed must be 64 lowercase hex digits')
    this.#input = Buffer.alloc(40)
    this.#input.write(seedHex, 0, 'hex')
  }

  /** An Rng for one purpose, derived from the scenario seed (see `deriveSeed`). */
  static for(...parts: Array<string | number>): Rng {
    return new Rng(deriveSeed(...parts))
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    if (this.#offset >= 32) this.#refill()
    const x = this.#block.readUInt32BE(this.#offset)
    this.#offset += 4
    return x
  }

  #refill(): void {
    // uint64be(counter): counters stay far below 2^53
    this.#input.writeUInt32BE(Math.floor(this.#counter / TWO_32), 32)
    this.#input.writeUInt32BE(this.#counter % TWO_32, 36)
    this.#counter++
    this.#block = hash('sha256', this.#input, 'buffer')
    this.#offset = 0
  }

  /** Uniform in [0, 1) with 53 bits (two words). */
  random(): number {
    const hi = this.nextUint32() >>> 5
    const lo = this.nextUint32() >>> 6
    return (hi * 2 ** 26 + lo) / 2 ** 53
  }

  /** True with probability `p` (one word, resolution 2^-32). */
  chance(p: number): boolean {
    if (p <= 0) return false
    if (p >= 1) return true
    return this.nextUint32() < p * TWO_32
  }

  /** A uniform integer in [0, n), 1 ≤ n ≤ 2^32, without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`int needs 1 ≤ n ≤ 2^32, got ${n}`)
    const limit = TWO_32 - (TWO_32 % n)
    for (;;) {
      const x = this.nextUint32()
      if (x < limit) return x % n
    }
  }

  /** A uniform element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick needs a non-empty list')
    return items[this.int(items.length)] as T
  }

  /** Shuffles in place (Fisher–Yates) and returns the list. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i] as T
      items[i] = items[j] as T
      items[j] = t
    }
    return items
  }

  /**
   * An index drawn by weight from cumulative weights (`cumulative[i]` = sum of weights 0…i,
   * the last one the total). One word.
   */
  weighted(cumulative: readonly number[]): number {
    const total = cumulative[cumulative.length - 1] ?? 0
    const x = (this.nextUint32() / TWO_32) * total
    for (let i = 0; i < cumulative.length; i++) if (x < (cumulative[i] as number)) return i
    return cumulative.length - 1
  }
}
