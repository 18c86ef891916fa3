import { dagCborCidText } from './cid.js'
import { DOMAIN, domainHash } from './domain.js'
import type { MeasurementRecord } from './evaluation/round-types.js'
import { encodeValidSignedMeasurement, encodeValidSignedMeasurementPair } from './measurement.js'
import { measurementFromJson } from './measurement-json.js'
import { verifyStationSignature } from './signed-dag-cbor.js'

/**
 * One line of a round's measurements file as `evaluate` reads it: `measurementRecord(
 * measurementFromJson(value))`, and with `verify` whether the signature is the station's
 * (`signatureValid`, for `signatures: 'checked'`), from one validation where those functions
 * make three. Throws as they do.
 */
export function measurementRecordFromJson(value: unknown, { verify }: { verify: boolean }): MeasurementRecord {
  // validated just now, and a fresh object nobody else holds: its encodings need no second check
  const measurement = measurementFromJson(value)
  if (!verify) return { cid: dagCborCidText(encodeValidSignedMeasurement(measurement)), measurement }
  const { signed, unsigned } = encodeValidSignedMeasurementPair(measurement)
  // `measurementSigningDigest`: of the bytes without the signature
  const digest = domainHash(DOMAIN.measurementSignature, unsigned)
  return {
    cid: dagCborCidText(signed),
    measurement,
    signatureValid: verifyStationSignature(measurement.stationId, digest, measurement.signature),
  }
}
