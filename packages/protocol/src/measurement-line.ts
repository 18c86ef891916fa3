import { cidOfDagCbor, cidText } from './cid.js'
import { DOMAIN, domainHash } from './domain.js'
import type { MeasurementRecord } from './evaluation/round-types.js'
import { encodeValidSignedMeasurement } from './measurement.js'
import { encodeValidatedMeasurement } from './measurement-cbor.js'
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
  const record: MeasurementRecord = { cid: cidText(cidOfDagCbor(encodeValidSignedMeasurement(measurement))), measurement }
  if (verify) {
    // `measurementSigningDigest`: the bytes without the signature
    const digest = domainHash(DOMAIN.measurementSignature, encodeValidatedMeasurement(measurement, { signed: false }))
    record.signatureValid = verifyStationSignature(measurement.stationId, digest, measurement.signature)
  }
  return record
}
