import { fromHex, toHex } from './bytes.js'
import { ProtocolError } from './errors.js'
import { type Measurement, type SignedMeasurement, signedView, unsignedView, validateMeasurementShape } from './measurement.js'

/** The JSON form, for NDJSON files and HTTP: the same fields, the signature as hex. */
export interface SignedMeasurementJson extends Measurement {
  signature: string
}

export function measurementToJson(m: SignedMeasurement): SignedMeasurementJson {
  return { ...unsignedView(m), signature: toHex(m.signature) }
}

/**
 * Parses the JSON form; throws MEASUREMENT_MALFORMED naming the field when it is off. `intern`
 * (see `createInterner`) shares repeated strings between measurements of one round.
 */
export function measurementFromJson(value: unknown, intern?: (s: string) => string): SignedMeasurement {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProtocolError('MEASUREMENT_MALFORMED', 'a measurement must be a JSON object')
  const { signature, ...rest } = value as Record<string, unknown>
  if (typeof signature !== 'string' || !/^[0-9a-f]{128}$/.test(signature))
    throw new ProtocolError('MEASUREMENT_MALFORMED', 'signature must be 128 lowercase hex digits')
  const checked = validateMeasurementShape({ ...rest, signature: fromHex(signature) }, true)
  // a fresh literal of fixed shape: V8 keeps it compact, unlike the spread object above
  const m = signedView(checked)
  return intern ? internMeasurement(m, intern) : m
}

const INTERNED = [
  'network',
  'stationId',
  'inetGroup',
  'checkerVersion',
  'indexerResult',
  'protocol',
  'providerId',
  'providerAddress',
  'carChecksum',
  'retrievalResult',
] as const

/** Replaces the measurement's strings by shared instances; returns the same object. */
export function internMeasurement<M extends Measurement>(m: M, intern: (s: string) => string): M {
  const fields = m as unknown as Record<string, string | null>
  for (const name of INTERNED) {
    const v = fields[name]
    if (typeof v === 'string') fields[name] = intern(v)
  }
  m.task = { cid: intern(m.task.cid), minerId: intern(m.task.minerId) }
  return m
}
