/**
 * Equal 4-tuples of ids get one id: an open-addressing hash table over the tuples themselves
 * (no allocation per lookup; a round looks up two tuples per measurement). `flat` holds the
 * tuples, four ids each.
 */
export class QuadIds {
  #flat = new Int32Array(4 * 1024)
  #count = 0
  #slots = new Int32Array(2048).fill(-1)

  get flat(): Int32Array {
    return this.#flat.subarray(0, 4 * this.#count)
  }

  id(a: number, b: number, c: number, d: number): number {
    const mask = this.#slots.length - 1
    let h = hash4(a, b, c, d) & mask
    for (;;) {
      const slot = this.#slots[h] as number
      if (slot < 0) break
      const at = 4 * slot
      const f = this.#flat
      if (f[at] === a && f[at + 1] === b && f[at + 2] === c && f[at + 3] === d) return slot
      h = (h + 1) & mask
    }
    const id = this.#count++
    if (4 * this.#count > this.#flat.length) {
      const bigger = new Int32Array(this.#flat.length * 2)
      bigger.set(this.#flat)
      this.#flat = bigger
    }
    this.#flat.set([a, b, c, d], 4 * id)
    this.#slots[h] = id
    // at most half full, so that probes stay short
    if (2 * this.#count > this.#slots.length) this.#rehash()
    return id
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1)
    const mask = slots.length - 1
    const f = this.#flat
    for (let id = 0; id < this.#count; id++) {
      const at = 4 * id
      let h = hash4(f[at] as number, f[at + 1] as number, f[at + 2] as number, f[at + 3] as number) & mask
      while ((slots[h] as number) >= 0) h = (h + 1) & mask
      slots[h] = id
    }
    this.#slots = slots
  }
}

/** A 32-bit mix of four ids (multiply-xorshift). */
function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b)
  h = Math.imul(h ^ b ^ (h >>> 15), 0xc2b2ae35)
  h = Math.imul(h ^ c ^ (h >>> 13), 0x27d4eb2f)
  h = Math.imul(h ^ d ^ (h >>> 16), 0x165667b1)
  return (h ^ (h >>> 15)) >>> 0
}
