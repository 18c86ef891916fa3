import * as fc from 'fast-check'

/**
 * Byte-level mutations of a valid encoding: bit flips, byte overwrites, inserts, deletes,
 * truncation, duplicated and swapped ranges. Positions are taken modulo the length, so one list of
 * operations applies to any input. Inserts favour bytes that mean something to CBOR, CAR and
 * varint readers (huge lengths, indefinite items, tag 42, break codes).
 */
export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'swap'; at: number; to: number; length: number }

const SNIPPETS: readonly number[][] = [
  [0xff], // break / invalid
  [0x00],
  [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // uint64 max
  [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // most negative int
  [0x5b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], // bytes of 2^32
  [0x7a, 0xff, 0xff, 0xff, 0xff], // text of 4 GiB
  [0x9b, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff], // array of 2^32 − 1
  [0xbb, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff], // map of 2^32 − 1
  [0x9f], // indefinite array
  [0xbf], // indefinite map
  [0xd8, 0x2a], // tag 42 (CID)
  [0xd8, 0x2a, 0x45, 0x00, 0x01, 0x71, 0x12, 0x00], // a broken CID
  [0xfb, 0x7f, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // NaN
  [0xf7], // undefined
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // a 9-byte varint
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // a varint that does not end
  [0x0d, 0x0a], // CRLF
  [0x22], // a quote
  [0x5c], // a backslash
  [0xc3, 0x28], // invalid UTF-8
  [0xed, 0xa0, 0x80], // a UTF-8 surrogate
]

const position = fc.nat({ max: 1 << 20 })

const insertBytes = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...SNIPPETS).map((b) => Uint8Array.from(b)) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 512 }) },
)

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: insertBytes }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: position, to: position, length: fc.integer({ min: 1, max: 32 }) }),
)

/** One to four mutations. */
export const byteMutations = fc.array(byteMutation, { minLength: 1, maxLength: 4 })

/** A copy: `slice` of a Buffer is a view, and the valid encodings mutated here must stay intact. */
const copy = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes)

export function applyByteMutation(bytes: Uint8Array, m: ByteMutation): Uint8Array {
  const n = bytes.length
  const at = n === 0 ? 0 : m.at % (n + (m.kind === 'insert' ? 1 : 0))
  switch (m.kind) {
    case 'flip':
    case 'set': {
      if (n === 0) return bytes
      const out = copy(bytes)
      out[at] = m.kind === 'flip' ? (out[at] as number) ^ (1 << m.bit) : m.value
      return out
    }
    case 'insert':
      return concatBytes(bytes.subarray(0, at), m.bytes, bytes.subarray(at))
    case 'delete':
      return concatBytes(bytes.subarray(0, at), bytes.subarray(at + m.length))
    case 'truncate':
      return copy(bytes.subarray(0, at))
    case 'duplicate':
      return concatBytes(bytes.subarray(0, at + m.length), bytes.subarray(at))
    case 'swap': {
      if (n === 0) return bytes
      const to = m.to % n
      const length = Math.min(m.length, n - at, n - to)
      const out = copy(bytes)
      out.set(bytes.subarray(to, to + length), at)
      out.set(bytes.subarray(at, at + length), to)
      return out
    }
  }
}

export function applyByteMutations(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  return mutations.reduce(applyByteMutation, bytes)
}

/** Mutations of `base` (an arbitrary of valid encodings, or one fixed encoding). */
export function mutatedBytes(base: Uint8Array | fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const bases = base instanceof Uint8Array ? fc.constant(base) : base
  return fc.tuple(bases, byteMutations).map(([b, ms]) => applyByteMutations(b, ms))
}

/** Mutations of a text's UTF-8 bytes, decoded again (invalid sequences become U+FFFD). */
export function mutatedText(base: string | fc.Arbitrary<string>): fc.Arbitrary<string> {
  const bases = typeof base === 'string' ? fc.constant(base) : base
  return fc
    .tuple(bases, byteMutations)
    .map(([text, ms]) => Buffer.from(applyByteMutations(new TextEncoder().encode(text), ms)).toString('utf8'))
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
