import { keccak_256 } from '@noble/hashes/sha3.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keccak256Ascii } from '../src/spark-compat/keccak.js'

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : bytes)

describe('keccak256Ascii', () => {
  it('gives the published Keccak-256 digests (not SHA3-256)', () => {
    expect(hex(keccak256Ascii(''))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
    expect(hex(keccak256Ascii('abc'))).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45')
  })

  it('equals a general implementation on every ASCII text that fits one block, at every length', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 135 })
    fc.assert(
      fc.property(ascii, (text) => {
        expect(hex(keccak256Ascii(text))).toBe(hex(keccak_256(new TextEncoder().encode(text))))
      }),
      { numRuns: 500 },
    )
    // the padding's two bytes meet at the block's last byte
    for (let length = 0; length < 136; length++) {
      const text = 'a'.repeat(length)
      expect(hex(keccak256Ascii(text))).toBe(hex(keccak_256(new TextEncoder().encode(text))))
    }
  })

  it('declines what it does not hash: a block or more, or a character outside ASCII', () => {
    expect(keccak256Ascii('a'.repeat(136))).toBeUndefined()
    expect(keccak256Ascii('é')).toBeUndefined()
  })
})
