import { toHex } from './bytes.js'
import { ProtocolError } from './errors.js'
import { isVersion2, type Measurement, type SignedMeasurement, signedView, unsignedView, validateMeasurementShape } from './measurement.js'

/** The JSON form, for NDJSON files and HTTP: the same fields, the signatures as hex. */
export interface SignedMeasurementJson extends Omit<Measurement, 'bindingSignature'> {
  /** Version 2 only: 130 lowercase hex digits. */
  bindingSignature?: string
  signature: string
}

export function measurementToJson(m: SignedMeasurement): SignedMeasurementJson {
  const view = unsignedView(m)
  // version 1 has no binding fields at all: the view adds none
  if (!isVersion2(view)) return { ...(view as Omit<Measurement, 'bindingSignature'>), signature: toHex(m.signature) }
  // table order (spec §13.3): the three version-2 fields follow stationId
  const { protocolVersion, network, round, task, stationId, participant, bindingFromRound, bindingSignature, ...rest } = view
  return {
    protocolVersion,
    network,
    round,
    task,
    stationId,
    participant,
    bindingFromRound,
    bindingSignature: toHex(bindingSignature),
    ...rest,
    signature: toHex(m.signature),
  }
}

function malformed(message: string): never {
  throw new ProtocolError('MEASUREMENT_MALFORMED', message)
}

/**
 * Parses the JSON form; throws MEASUREMENT_MALFORMED naming the field when it is off. `intern`
 * (see `createInterner`) shares repeated strings between measurements of one round.
 */
export function measurementFromJson(value: unknown, intern?: (s: string) => string): SignedMeasurement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed('a measurement must be a JSON object')
  const json = value as Record<string, unknown>
  const signature = json.signature
  if (typeof signature !== 'string' || !SIGNATURE_HEX.test(signature)) malformed('signature must be 128 lowercase hex digits')
  // one copy, with the signatures as bytes: the caller's object stays as it was
  const copy: Record<string, unknown> = { ...json, signature: hexBytes(signature) }
  // only version 2 has a binding; in version 1 the key stays unknown, for the shape check to refuse
  if (copy.protocolVersion === 2) {
    const binding = copy.bindingSignature
    if (typeof binding !== 'string' || !BINDING_HEX.test(binding)) malformed('bindingSignature must be 130 lowercase hex digits')
    copy.bindingSignature = hexBytes(binding)
  }
  // a fresh literal of fixed shape: V8 keeps it compact, unlike the spread object above
  const m = signedView(validateMeasurementShape(copy, true))
  return intern ? internMeasurement(m, intern) : m
}

const SIGNATURE_HEX = /^[0-9a-f]{128}$/
const BINDING_HEX = /^[0-9a-f]{130}$/

/** Bytes of hex its pattern has just matched (`fromHex` would match it again). */
const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'))

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
  'participant',
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
