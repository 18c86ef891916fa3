import * as fc from 'fast-check'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

/**
 * Mutations of a decoded value (a parsed JSON document or a decoded DAG-CBOR block): a field
 * removed, replaced by an odd value, swapped with another, renamed, added, wrapped, or copied from
 * elsewhere in the value. Field-level mutations of a valid object, encoded again, get past the
 * decoder's syntax checks and exercise its shape validation, which random bytes rarely reach.
 */
export type ValueMutation =
  | { kind: 'remove'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'wrap'; at: number; inArray: boolean }
  | { kind: 'copy'; at: number; from: number }

/** Arrays nested `depth` deep around `inner`: deep enough to overflow recursive code. */
export function nested(depth: number, inner: unknown = 1): unknown {
  let v = inner
  for (let i = 0; i < depth; i++) v = [v]
  return printedAs(v, `nested(${depth}, ${JSON.stringify(inner)})`)
}

function deepObject(depth: number): unknown {
  let v: unknown = {}
  for (let i = 0; i < depth; i++) v = { a: v }
  return printedAs(v, `deepObject(${depth})`)
}

/** fast-check prints values recursively: a deep one gets a short description instead (not an own key, so invisible to JSON). */
function printedAs<T>(value: T, text: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => text })
  return value
}

const ODD_NUMBERS = [
  0,
  -1,
  1,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  0.5,
  -0.5,
  1e-300,
  Number.MAX_VALUE,
]

const ODD_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  'null',
  'true',
  'OK',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\u001b[31m',
  '\r\n',
  '\ud800',
  '\udfff\ud800',
  '💥',
  '%',
  '%zz',
  '../../etc/passwd',
  '1.0.0',
  '999999999999999999999.0.0',
  '0.0.0-',
  'f01000',
  'bafkqaaa',
  'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
  '/ip4/127.0.0.1/tcp/1/http',
  '/dns/x/https/http-path/%2F',
  '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
  '302a300506032b6570032100' + '00'.repeat(32),
  'ab'.repeat(32),
  'AB'.repeat(32),
  'a'.repeat(65),
]

const LONG_STRINGS = [1_000, 70_000, 1_100_000].map((n) => 'x'.repeat(n))

/** Values JSON.parse can produce that validators tend to mishandle. */
export const oddJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...ODD_NUMBERS, ...ODD_STRINGS, true, false, null, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...LONG_STRINGS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(50, 1_000, 6_000, 20_000).chain((d) => fc.constantFrom(nested(d), deepObject(d), nested(d, 'x'))),
  },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}')) },
)

const ODD_CID = CID.createV1(0x55, Digest.create(0x00, new Uint8Array(0)))
const ODD_CID_V0 = CID.parse('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')

/** Values a DAG-CBOR block can hold: the JSON ones (finite, shallow enough to encode), bigints, bytes and links. */
export const oddCborValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: oddJsonValue.filter((v) => !isTooDeep(v)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(2n ** 64n - 1n, -(2n ** 64n), 2n ** 53n, -(2n ** 53n) - 1n, new Uint8Array(0), ODD_CID, ODD_CID_V0),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }) },
)

function isTooDeep(v: unknown): boolean {
  let depth = 0
  let x = v
  while (typeof x === 'object' && x !== null && depth < 1_000) {
    x = Array.isArray(x) ? x[0] : (x as Record<string, unknown>).a
    depth++
  }
  return depth >= 1_000
}

const position = fc.nat({ max: 1 << 16 })
const key = fc.oneof(fc.constantFrom(...ODD_STRINGS.slice(0, 20)), fc.string({ maxLength: 12 }))

export function valueMutation(odd: fc.Arbitrary<unknown>): fc.Arbitrary<ValueMutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('remove' as const), at: position }),
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: position, value: odd }) },
    fc.record({ kind: fc.constant('swap' as const), at: position, with: position }),
    fc.record({ kind: fc.constant('rename' as const), at: position, key }),
    fc.record({ kind: fc.constant('add' as const), at: position, key, value: odd }),
    fc.record({ kind: fc.constant('wrap' as const), at: position, inArray: fc.boolean() }),
    fc.record({ kind: fc.constant('copy' as const), at: position, from: position }),
  )
}

export type Path = Array<string | number>

/** Containers we descend into: plain objects and arrays (links, bytes and bigints are leaves). */
function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (Array.isArray(v)) return true
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || CID.asCID(v) !== null) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Every position in `value` (the root first, then depth first): what a mutation's `at` indexes, modulo the count. */
export function valuePaths(value: unknown, limit = 2_000): Path[] {
  const out: Path[] = [[]]
  const walk = (v: unknown, path: Path, depth: number) => {
    if (!isContainer(v) || depth > 40) return
    for (const k of Object.keys(v)) {
      if (out.length >= limit) return
      const p = [...path, Array.isArray(v) ? Number(k) : k]
      out.push(p)
      walk((v as Record<string, unknown>)[k], p, depth + 1)
    }
  }
  walk(value, [], 0)
  return out
}

/** A copy in which the containers along `path` are fresh, so the original stays as it was. */
function copyAlong(root: unknown, path: Path): unknown {
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return [...v]
    if (isContainer(v)) {
      const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {}
      for (const k of Object.keys(v)) define(out, k, (v as Record<string, unknown>)[k])
      return out
    }
    return v
  }
  const top = copy(root)
  let node = top
  for (const k of path) {
    if (!isContainer(node)) break
    const child = copy((node as Record<string, unknown>)[k as string])
    define(node as Record<string, unknown>, String(k), child)
    node = child
  }
  return top
}

/** An own property even for `__proto__`, as JSON.parse and DAG-CBOR decoding create it. */
function define(target: Record<string, unknown> | unknown[], k: string, value: unknown): void {
  Object.defineProperty(target, k, { value, enumerable: true, writable: true, configurable: true })
}

function get(root: unknown, path: Path): unknown {
  let v = root
  for (const k of path) v = isContainer(v) ? (v as Record<string, unknown>)[k as string] : undefined
  return v
}

/** Sets the value at `path` (the root when empty); returns the new root. */
function set(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value
  const parent = get(root, path.slice(0, -1))
  if (isContainer(parent)) define(parent, String(path[path.length - 1]), value)
  return root
}

export function applyValueMutation(value: unknown, m: ValueMutation): unknown {
  const all = valuePaths(value)
  const path = all[m.at % all.length] as Path
  const other = (n: number) => all[n % all.length] as Path
  const root = copyAlong(value, path)
  switch (m.kind) {
    case 'remove': {
      if (path.length === 0) return undefined
      const parent = get(root, path.slice(0, -1))
      const last = path[path.length - 1] as string | number
      if (Array.isArray(parent)) parent.splice(last as number, 1)
      else if (isContainer(parent)) delete (parent as Record<string, unknown>)[last]
      return root
    }
    case 'replace':
      return set(root, path, m.value)
    case 'swap': {
      const there = other(m.with)
      // a value swapped with its own ancestor would contain itself
      const isPrefix = (p: Path, q: Path) => p.length <= q.length && p.every((k, i) => k === q[i])
      if (isPrefix(path, there) || isPrefix(there, path)) return root
      const a = get(value, path)
      const b = get(value, there)
      const copied = copyAlong(root, there)
      return set(set(copied, path, b), there, a)
    }
    case 'rename': {
      if (path.length === 0) return root
      const parent = get(root, path.slice(0, -1))
      const last = path[path.length - 1] as string | number
      if (!isContainer(parent) || Array.isArray(parent)) return root
      const v = parent[last as string]
      delete parent[last as string]
      define(parent, m.key, v)
      return root
    }
    case 'add': {
      const target = get(root, path)
      if (Array.isArray(target)) target.push(m.value)
      else if (isContainer(target)) define(target, m.key, m.value)
      else return set(root, path, { [m.key]: m.value })
      return root
    }
    case 'wrap': {
      const v = get(root, path)
      return set(root, path, m.inArray ? [v] : { value: v })
    }
    case 'copy':
      return set(root, path, get(value, other(m.from)))
  }
}

/** One to three value mutations of `base`. */
export function mutatedValue<T>(base: T | fc.Arbitrary<T>, odd: fc.Arbitrary<unknown> = oddJsonValue): fc.Arbitrary<unknown> {
  const bases = base instanceof fc.Arbitrary ? (base as fc.Arbitrary<T>) : fc.constant(base)
  return fc
    .tuple(bases, fc.array(valueMutation(odd), { minLength: 1, maxLength: 3 }))
    .map(([b, ms]) => ms.reduce<unknown>((v, m) => applyValueMutation(v, m), b))
}
