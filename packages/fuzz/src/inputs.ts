import * as dagCbor from '@ipld/dag-cbor'
import * as fc from 'fast-check'
import { concatBytes, mutatedBytes, mutatedText } from './mutate-bytes.js'
import { mutatedValue, oddCborValue } from './mutate-value.js'

/*
 * Input mixes shared by the targets: mostly mutations of valid encodings (byte-level and
 * field-level), some arbitrary values, and the valid encodings themselves so that the accepting
 * path runs too.
 */

/** DAG-CBOR of `value`; null's encoding when it cannot be encoded (undefined, NaN, too deep). */
export function encodeOrNull(value: unknown): Uint8Array {
  try {
    return dagCbor.encode(value)
  } catch {
    return Uint8Array.of(0xf6)
  }
}

/** `depth` nested one-element arrays (0x81…) or one-key maps around an integer: deep enough to overflow recursive decoders. */
export const deepCbor: fc.Arbitrary<Uint8Array> = fc.tuple(fc.constantFrom(1_000, 5_000, 20_000), fc.boolean()).map(([depth, map]) => {
  const level = map ? Uint8Array.of(0xa1, 0x61, 0x61) : Uint8Array.of(0x81)
  const out = new Uint8Array(depth * level.length + 1)
  for (let i = 0; i < depth; i++) out.set(level, i * level.length)
  out[out.length - 1] = 0x01
  return out
})

/** Bytes for a decoder of DAG-CBOR whose valid inputs are `valid` (encoded) and decode to `values`. */
export function cborInputs(valid: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const base = fc.constantFrom(...valid)
  const decoded = base.map((b) => dagCbor.decode(b))
  const fieldMutated = mutatedValue(decoded, oddCborValue).map(encodeOrNull)
  return fc.oneof(
    { weight: 1, arbitrary: base },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: deepCbor },
    { weight: 4, arbitrary: mutatedBytes(base) },
    { weight: 5, arbitrary: fieldMutated },
    { weight: 1, arbitrary: mutatedBytes(fieldMutated) },
    { weight: 1, arbitrary: fc.tuple(base, base).map(([a, b]) => concatBytes(a, b)) },
  )
}

/** Values for a validator of parsed JSON whose valid inputs are `valid`. */
export function jsonValueInputs(valid: readonly unknown[]): fc.Arbitrary<unknown> {
  const base = fc.constantFrom(...valid)
  return fc.oneof(
    { weight: 1, arbitrary: base },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 6, arbitrary: mutatedValue(base) },
    { weight: 2, arbitrary: mutatedText(base.map((v) => JSON.stringify(v))).map(parseOrText) },
  )
}

/** Texts for a parser of JSON files whose valid documents are `valid`. */
export function jsonTextInputs(valid: readonly unknown[]): fc.Arbitrary<string> {
  const base = fc.constantFrom(...valid)
  return fc.oneof(
    { weight: 1, arbitrary: base.map((v) => JSON.stringify(v, null, 2)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 6, arbitrary: mutatedValue(base).map(toJsonText) },
    { weight: 3, arbitrary: mutatedText(base.map((v) => JSON.stringify(v, null, 2))) },
  )
}

/** The parsed text when it is JSON, else the text itself (a JSON string is a value too). */
export function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * JSON text of a value that may hold nesting too deep for JSON.stringify (`nested()` and friends
 * of mutate-value): those parts are written out iteratively.
 */
export function toJsonText(value: unknown): string {
  const deep: string[] = []
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const shape = deepShape(v)
    if (!shape) return v
    deep.push(shape)
    return `\u0000deep${deep.length - 1}\u0000`
  })
  if (text === undefined) return 'undefined'
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_, i: string) => deep[Number(i)] as string)
}

/** The text of a chain of one-element arrays or one-key objects deeper than 500 levels, or undefined. */
function deepShape(v: unknown): string | undefined {
  let depth = 0
  let x = v
  const isArray = Array.isArray(v)
  while (typeof x === 'object' && x !== null && depth <= 500) {
    const keys = Object.keys(x)
    if (keys.length !== 1 || Array.isArray(x) !== isArray) return undefined
    x = (x as Record<string, unknown>)[keys[0] as string]
    depth++
  }
  if (depth <= 500) return undefined
  while (typeof x === 'object' && x !== null) {
    x = (x as Record<string, unknown>)[Object.keys(x)[0] as string]
    depth++
  }
  const inner = JSON.stringify(x ?? (isArray ? 1 : {}))
  return isArray ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`
}
