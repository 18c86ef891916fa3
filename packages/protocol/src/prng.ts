import { fromHex, sha256Concat, uint64be } from './bytes.js'

/**
 * A deterministic random stream from a 32-byte seed: SHA-256 in counter mode,
 * `block(i) = SHA-256(seed || uint64be(i))`. Same seed, same numbers, on every platform; used
 * wherever nodes must draw the same "random" choices (round task sampling).
 */
export class SeededStream {
  readonly #seed: Uint8Array
  #counter = 0n
  #block: Uint8Array = new Uint8Array(0)
  #offset = 0

  constructor(seedHex: string) {
    this.#seed = fromHex(seedHex, 'seed')
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    if (this.#offset + 4 > this.#block.length) {
      this.#block = sha256Concat(this.#seed, uint64be(this.#counter++))
      this.#offset = 0
    }
    const b = this.#block
    const o = this.#offset
    this.#offset += 4
    return (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0
  }

  /**
   * A uniform integer in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias: draws above the largest
   * multiple of n are rejected and redrawn.
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`nextInt needs 1 ≤ n ≤ 2^32, got ${n}`)
    const limit = 2 ** 32 - (2 ** 32 % n)
    for (;;) {
      const x = this.nextUint32()
      if (x < limit) return x % n
    }
  }
}
