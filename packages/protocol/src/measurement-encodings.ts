import { cidOfDagCbor, cidText } from './cid.js'
import { DOMAIN, domainHash } from './domain.js'
import type { MeasurementRecord } from './evaluation/round-types.js'
import { encodeSignedMeasurement, encodeValidSignedMeasurement, type SignedMeasurement } from './measurement.js'
import { measurementFromJson } from './measurement-json.js'
import { verifyStationSignature } from './signed-dag-cbor.js'

/*
 * A signed measurement has two canonical encodings: the signed one names it (its CID) and the
 * unsigned one is what its station signed. Both are the same DAG-CBOR map but for one entry, so
 * a reader of a whole round (`evaluate`, a quarter of a million lines) encodes once and cuts the
 * `signature` entry out, instead of validating and encoding the measurement twice more.
 */

/** The two encodings of one signed measurement. */
export interface MeasurementEncodings {
  /** `encodeSignedMeasurement(m)`: hashed for the measurement's CID. */
  signed: Uint8Array
  /** `encodeMeasurement(m)`: hashed for the digest its station signed. */
  unsigned: Uint8Array
}

/** Both encodings from one validation and one encoding; throws as `encodeSignedMeasurement` does. */
export function measurementEncodings(m: SignedMeasurement): MeasurementEncodings {
  const signed = encodeSignedMeasurement(m)
  return { signed, unsigned: withoutEntry(signed, SIGNATURE_KEY) }
}

/**
 * `measurementRecord(measurementFromJson(value))`, and with `verify` whether the signature is the
 * station's (`signatureValid`, for `signatures: 'checked'`), from one validation and one
 * encoding: a reading thread's work per line of a round's file. Throws as those two do.
 */
export function measurementRecordFromJson(value: unknown, { verify }: { verify: boolean }): MeasurementRecord {
  // validated just now, and a fresh object nobody else holds: its encoding needs no second check
  const measurement = measurementFromJson(value)
  const signed = encodeValidSignedMeasurement(measurement)
  const record: MeasurementRecord = { cid: cidText(cidOfDagCbor(signed)), measurement }
  if (verify) {
    const digest = domainHash(DOMAIN.measurementSignature, withoutEntry(signed, SIGNATURE_KEY))
    record.signatureValid = verifyStationSignature(measurement.stationId, digest, measurement.signature)
  }
  return record
}

// text(9) "signature": the key's encoding, which the map holds exactly once
const SIGNATURE_KEY = Uint8Array.from([0x69, ...new TextEncoder().encode('signature')])

/**
 * The canonical encoding of a map without one of its entries. Canonical DAG-CBOR sorts a map's
 * keys and leaves nothing else between its entries, so dropping an entry keeps the rest in
 * order: only the map's head changes, to one entry fewer.
 */
function withoutEntry(map: Uint8Array, key: Uint8Array): Uint8Array {
  if (map[0] === undefined || map[0] >> 5 !== 5) throw new Error('not a DAG-CBOR map')
  let at = readHead(map, 0)
  const entries = argument
  const body = at
  for (let i = 0; i < entries; i++) {
    const start = at
    const keyEnd = skipItem(map, at)
    const end = skipItem(map, keyEnd)
    if (keyEnd - start === key.length && bytesAt(map, start, key)) {
      const head = mapHead(entries - 1)
      const out = new Uint8Array(head.length + (start - body) + (map.length - end))
      out.set(head)
      out.set(map.subarray(body, start), head.length)
      out.set(map.subarray(end), head.length + start - body)
      return out
    }
    at = end
  }
  throw new Error('the map has no such entry')
}

/** Whether `b` holds `bytes` at `at`. */
function bytesAt(b: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let j = 0; j < bytes.length; j++) if (b[at + j] !== bytes[j]) return false
  return true
}

/** The head of a map of `n` entries, in its shortest form as DAG-CBOR requires. */
function mapHead(n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(0xa0 | n)
  if (n < 256) return Uint8Array.of(0xb8, n)
  return Uint8Array.of(0xb9, n >> 8, n & 0xff)
}

// the argument of the head read last (a length, a count or an integer), kept out of the
// return value so that reading a head allocates nothing
let argument = 0

/** Reads the head at `at` into `argument`; returns where the head ends. */
function readHead(b: Uint8Array, at: number): number {
  const info = (b[at] as number) & 31
  if (info < 24) {
    argument = info
    return at + 1
  }
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0
  if (size === 0 || at + size >= b.length) throw new Error('not a DAG-CBOR item')
  argument = 0
  for (let i = 1; i <= size; i++) argument = argument * 256 + (b[at + i] as number)
  return at + 1 + size
}

/** Where the item at `at` ends. */
function skipItem(b: Uint8Array, at: number): number {
  if (at >= b.length) throw new Error('not a DAG-CBOR item')
  const major = (b[at] as number) >> 5
  let next = readHead(b, at)
  switch (major) {
    case 2:
    case 3:
      return next + argument
    case 4:
    case 5: {
      const items = major === 5 ? argument * 2 : argument
      for (let i = 0; i < items; i++) next = skipItem(b, next)
      return next
    }
    case 6:
      return skipItem(b, next)
    default:
      // integers, floats, booleans and null: the head is the whole item
      return next
  }
}
