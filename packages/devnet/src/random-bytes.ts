import { createHash } from 'node:crypto'

/**
 * A deterministic byte stream: SHA-256 in counter mode, `sha256(label || ':' || counter)`.
 * The devnet must produce the same content, CIDs and catalogue from the same seed on every
 * machine, so nothing here may come from Math.random or the clock.
 *
 * @example
 * const rng = new RandomBytes('devnet/f01234')
 * rng.bytes(32) // same 32 bytes on every run
 */
export class RandomBytes {
  private readonly label: string
  private counter = 0
  private pool: Uint8Array = new Uint8Array(0)
  private offset = 0

  constructor(label: string) {
    this.label = label
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      if (this.offset === this.pool.length) this.refill()
      const take = Math.min(length - filled, this.pool.length - this.offset)
      out.set(this.pool.subarray(this.offset, this.offset + take), filled)
      this.offset += take
      filled += take
    }
    return out
  }

  /** A uniform integer in [min, max] (inclusive), from 48 bits of the stream. */
  int(min: number, max: number): number {
    const b = this.bytes(6)
    const x = b.reduce((acc, byte) => acc * 256 + byte, 0) / 2 ** 48
    return min + Math.floor(x * (max - min + 1))
  }

  private refill(): void {
    this.pool = createHash('sha256')
      .update(`${this.label}:${this.counter++}`)
      .digest()
    this.offset = 0
  }
}

/** `length` deterministic bytes for `label` (a one-shot {@link RandomBytes}). */
export function randomBytes(label: string, length: number): Uint8Array {
  return new RandomBytes(label).bytes(length)
}
