import type { Measurement } from './measurement.js'
import { FIELDS_V1, FIELDS_V2 } from './measurement-fields.js'

/*
 * The canonical DAG-CBOR of a measurement that has passed `validateMeasurementShape`, written
 * straight into bytes. @ipld/dag-cbor builds a token per value and sorts the keys on every call:
 * 8 µs a measurement against 3–4 µs here (an eighth of checking its signature), paid for every
 * line of a round's file and every gossiped measurement. A validated measurement has one of four
 * key sets and values of six kinds (null, boolean, integer, text, bytes, its task), so its keys'
 * order and encodings are fixed here once. @ipld/dag-cbor stays the reference: tests hold the two
 * byte for byte equal on random measurements of both versions, and decoding still goes through it.
 */

// one buffer reused by every call, grown when a measurement needs more
let out = Buffer.allocUnsafe(16 * 1024)
let at = 0

function reserve(bytes: number): void {
  if (at + bytes <= out.length) return
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + bytes))
  out.copy(bigger, 0, 0, at)
  out = bigger
}

/** The head of an item of major type `major` with argument `n` (a non-negative safe integer). */
function writeHead(major: number, n: number): void {
  reserve(9)
  const m = major << 5
  if (n < 24) out[at++] = m | n
  else if (n < 0x100) {
    out[at++] = m | 24
    out[at++] = n
  } else if (n < 0x10000) {
    out[at++] = m | 25
    out.writeUInt16BE(n, at)
    at += 2
  } else if (n < 0x100000000) {
    out[at++] = m | 26
    out.writeUInt32BE(n, at)
    at += 4
  } else {
    out[at++] = m | 27
    out.writeUInt32BE(Math.floor(n / 0x100000000), at)
    out.writeUInt32BE(n >>> 0, at + 4)
    at += 8
  }
}

function writeBytes(bytes: Uint8Array): void {
  reserve(bytes.length)
  out.set(bytes, at)
  at += bytes.length
}

function writeText(text: string): void {
  // UTF-8 as TextEncoder makes it (a lone surrogate becomes U+FFFD), as @ipld/dag-cbor does
  const length = Buffer.byteLength(text, 'utf8')
  writeHead(3, length)
  reserve(length)
  at += out.write(text, at, length, 'utf8')
}

// where the last map written had its signature entry, key and value: [signatureStart, signatureEnd)
let signatureStart = 0
let signatureEnd = 0

function writeMap(value: Record<string, unknown>, set: KeySet): void {
  writeHead(5, set.keys.length)
  for (let i = 0; i < set.keys.length; i++) {
    if (i === set.signature) signatureStart = at
    writeBytes(set.encoded[i] as Uint8Array)
    writeValue(value[set.keys[i] as string])
    if (i === set.signature) signatureEnd = at
  }
}

/** A value of a validated measurement: null, a boolean, a non-negative integer, text, bytes or its task. */
function writeValue(value: unknown): void {
  if (value === null) {
    reserve(1)
    out[at++] = 0xf6
  } else if (typeof value === 'string') writeText(value)
  else if (typeof value === 'number') writeHead(0, value)
  else if (typeof value === 'boolean') {
    reserve(1)
    out[at++] = value ? 0xf5 : 0xf4
  } else if (value instanceof Uint8Array) {
    writeHead(2, value.length)
    writeBytes(value)
  } else writeMap(value as Record<string, unknown>, TASK_KEYS)
}

/** DAG-CBOR's order of map keys: shorter UTF-8 first, then bytewise. */
const canonicalKeyOrder = (a: string, b: string) =>
  Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b))

interface KeySet {
  /** Keys in canonical order. */
  keys: string[]
  /** Each key's encoding (a text string), in the same order. */
  encoded: Uint8Array[]
  /** The index of `signature` in `keys`, or −1. */
  signature: number
}

function keySet(keys: readonly string[]): KeySet {
  const ordered = [...keys].sort(canonicalKeyOrder)
  return {
    keys: ordered,
    signature: ordered.indexOf('signature'),
    encoded: ordered.map((key) => {
      at = 0
      writeText(key)
      return new Uint8Array(out.subarray(0, at))
    }),
  }
}

// made after the writers above, which they use
const KEY_SETS = {
  v1: keySet(FIELDS_V1),
  v1Signed: keySet([...FIELDS_V1, 'signature']),
  v2: keySet(FIELDS_V2),
  v2Signed: keySet([...FIELDS_V2, 'signature']),
}
const TASK_KEYS = keySet(['cid', 'minerId'])

/**
 * `dagCbor.encode(m)` for a measurement `validateMeasurementShape` has returned (with or without
 * its signature): only such a measurement has exactly the keys and kinds of value written here.
 * `signed`: with the signature, for its CID; without, for the bytes its station signed.
 */
export function encodeValidatedMeasurement(m: Measurement & { signature?: Uint8Array }, { signed }: { signed: boolean }): Uint8Array {
  const set = m.protocolVersion === 2 ? (signed ? KEY_SETS.v2Signed : KEY_SETS.v2) : signed ? KEY_SETS.v1Signed : KEY_SETS.v1
  at = 0
  writeMap(m as unknown as Record<string, unknown>, set)
  return new Uint8Array(out.subarray(0, at))
}

/**
 * Both encodings of a validated signed measurement from one pass: the signed bytes (its CID), and
 * the unsigned ones (what its station signed). In canonical order the signature is one entry
 * among the others, so the unsigned bytes are the signed ones without that entry, under a map
 * head one smaller: a copy, where a second encoding cost as much as the first.
 */
export function encodeValidatedMeasurementPair(m: Measurement & { signature: Uint8Array }): { signed: Uint8Array; unsigned: Uint8Array } {
  const set = m.protocolVersion === 2 ? KEY_SETS.v2Signed : KEY_SETS.v1Signed
  at = 0
  writeMap(m as unknown as Record<string, unknown>, set)
  const end = at
  const signed = new Uint8Array(out.subarray(0, end))
  // the unsigned map's head, then the entries before and after the signature's
  const bodyStart = set.keys.length < 24 ? 1 : 2 // the signed map's head: 22 or 25 entries
  writeHead(5, set.keys.length - 1)
  reserve(end)
  out.set(signed.subarray(bodyStart, signatureStart), at)
  at += signatureStart - bodyStart
  out.set(signed.subarray(signatureEnd), at)
  at += end - signatureEnd
  return { signed, unsigned: new Uint8Array(out.subarray(end, at)) }
}
