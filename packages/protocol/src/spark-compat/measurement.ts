import { STATION_ID_PATTERN } from '../station-id.js'
import { isoUtcMillis } from './iso-time.js'
import { isEthAddress, parseParticipantAddress } from './participant-address.js'

/*
 * A measurement as Spark v1 published it (one NDJSON line of a Storacha batch, snake_case) and
 * as spark-evaluate's `preprocess` read it. This module keeps JavaScript's loose semantics on
 * purpose (`>=` on whatever the JSON held, `typeof end_at === 'string'`): they are Spark's rules,
 * and bit-exactness depends on them.
 */

/** A raw published line: any JSON value, usually an object with Spark's snake_case fields. */
// biome-ignore lint/suspicious/noExplicitAny: the published format is untyped JSON; Spark's rules read it loosely.
export type RawSparkMeasurement = any

/** The evaluator's view of a measurement after preprocessing (spark-evaluate `Measurement`). */
export interface SparkMeasurement {
  /** The line's `id`, reported back in results. */
  id: unknown
  participantAddress: string
  retrievalResult: string
  cid: unknown
  minerId: unknown
  providerId: unknown
  spark_version: unknown
  inet_group: string
  /** Unix ms. */
  finished_at: number
  provider_address: unknown
  protocol: string | undefined
  byte_length: unknown
  start_at: number | undefined
  first_byte_at: number | undefined
  end_at: number | undefined
  status_code: unknown
  head_status_code: unknown
  timeout: unknown
  indexerResult: unknown
  stationId: string
  carChecksum: unknown
  carTooLarge: unknown
}

/** spark-evaluate `getRetrievalResult(raw)`: the result code from the raw status fields. */
export function getSparkRetrievalResult(m: RawSparkMeasurement): string {
  switch (m.indexer_result) {
    case 'OK':
    case 'HTTP_NOT_ADVERTISED':
      break
    default:
      return `IPNI_${m.indexer_result}`
  }
  if (m.timeout) return 'TIMEOUT'
  if (m.car_too_large) return 'CAR_TOO_LARGE'
  if (m.status_code >= 700 && m.status_code < 800) return 'UNSUPPORTED_MULTIADDR_FORMAT'
  switch (m.status_code) {
    case 600:
      return 'UNKNOWN_FETCH_ERROR'
    case 801:
      return 'HOSTNAME_DNS_ERROR'
    case 802:
      return 'CONNECTION_REFUSED'
    case 901:
      return 'UNSUPPORTED_CID_HASH_ALGO'
    case 902:
      return 'CONTENT_VERIFICATION_FAILED'
    case 903:
      return 'UNEXPECTED_CAR_BLOCK'
    case 904:
      return 'CANNOT_PARSE_CAR_FILE'
  }
  if (m.status_code >= 300) return `${m.protocol === 'http' ? 'HTTP_' : 'LASSIE_'}${m.status_code}`
  return m.status_code >= 200 && typeof m.end_at === 'string' ? 'OK' : 'UNKNOWN_ERROR'
}

/** spark-evaluate `parseDateTime`: falsy → undefined, unparsable → undefined, else unix ms. */
function parseDateTime(value: RawSparkMeasurement): number | undefined {
  if (!value) return undefined
  const time = typeof value === 'string' ? (isoUtcMillis(value) ?? new Date(value).getTime()) : new Date(value).getTime()
  return Number.isNaN(time) ? undefined : time
}

/** Why a line was dropped before evaluation; `message` is Spark's reason, word for word. */
export class SparkMeasurementError extends Error {
  override readonly name = 'SparkMeasurementError'
  /** One code for every drop: Spark told the reasons apart by message only. */
  readonly code = 'SPARK_MEASUREMENT_INVALID'
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SparkMeasurementError(message)
}

/**
 * Spark's preprocessing of one published line: the `Measurement` constructor (which throws on
 * a bad participant address or a non-string protocol) then `assertValidMeasurement`. Throws a
 * SparkMeasurementError with Spark's reason when the line must be dropped.
 *
 * One deviation: a line without a string `station_id` is dropped here. Spark's evaluator would
 * crash on the whole round (its `getStationKey` asserts a string), which is no result at all.
 */
export function preprocessSparkMeasurement(
  raw: RawSparkMeasurement,
  id: unknown,
  intern?: (value: string) => string,
  participants?: ParticipantMemo,
): SparkMeasurement {
  // shares repeated strings between the lines of a round (Spark's `pointerize`); other values pass
  const pointerize = <T>(value: T): T => (intern && typeof value === 'string' ? (intern(value) as T) : value)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SparkMeasurementError('object required')
  }
  // Spark's Measurement constructor reads every field, and whatever it throws on drops the line:
  // not only a bad address or protocol, also `new Date()` or `>=` on a value with no primitive form
  // (an object whose toString is not a function, a deep array)
  let m: SparkMeasurement
  let verdict: ParticipantVerdict | undefined
  try {
    verdict = participants ? participantVerdict(raw.participant_address, participants) : undefined
    const participantAddress = verdict ? verdict.address : parseParticipantAddress(raw.participant_address)
    const protocol: string | undefined = raw.protocol?.toLowerCase()
    m = {
      id,
      participantAddress: pointerize(participantAddress),
      retrievalResult: pointerize(getSparkRetrievalResult(raw)),
      cid: pointerize(raw.cid),
      minerId: pointerize(raw.miner_id),
      providerId: pointerize(raw.provider_id),
      spark_version: pointerize(raw.spark_version),
      inet_group: pointerize(raw.inet_group),
      finished_at: parseDateTime(raw.finished_at) as number,
      provider_address: pointerize(raw.provider_address),
      protocol: pointerize(protocol),
      byte_length: raw.byte_length,
      start_at: parseDateTime(raw.start_at),
      first_byte_at: parseDateTime(raw.first_byte_at),
      end_at: parseDateTime(raw.end_at),
      status_code: raw.status_code,
      head_status_code: raw.head_status_code,
      timeout: raw.timeout,
      indexerResult: pointerize(raw.indexer_result),
      stationId: pointerize(raw.station_id),
      carChecksum: pointerize(raw.car_checksum),
      carTooLarge: raw.car_too_large,
    }
  } catch (err) {
    throw new SparkMeasurementError((err as Error).message)
  }
  assertValidSparkMeasurement(m, verdict?.valid)
  return m
}

/** What Spark's address rules say of one participant string: its 0x form and whether `ethers.isAddress` takes it. */
export interface ParticipantVerdict {
  address: string
  valid: boolean
}

/**
 * The verdicts of the participant strings seen so far in a round, or the message their parse threw.
 * A round repeats each address thousands of times, and its keccak (EIP-55) and blake2b (f410)
 * were most of a line's cost: one computation per distinct string gives the same answers.
 */
export type ParticipantMemo = Map<string, ParticipantVerdict | { error: string }>

function participantVerdict(address: unknown, memo: ParticipantMemo): ParticipantVerdict {
  // a non-string throws its TypeError every time, unmemoised: only strings are keys
  if (typeof address !== 'string') return { address: parseParticipantAddress(address), valid: false }
  let known = memo.get(address)
  if (known === undefined) {
    try {
      const parsed = parseParticipantAddress(address)
      // an f4 address comes back in EIP-55 form, which isEthAddress always takes: no second keccak
      known = { address: parsed, valid: address.startsWith('0x') ? isEthAddress(parsed) : true }
    } catch (err) {
      known = { error: (err as Error).message }
    }
    memo.set(address, known)
  }
  if ('error' in known) throw new Error(known.error)
  return known
}

/**
 * spark-evaluate `assertValidMeasurement`, same checks, same order, same messages. `validAddress`:
 * `isEthAddress(m.participantAddress)` when the caller knows it already.
 */
export function assertValidSparkMeasurement(m: SparkMeasurement, validAddress?: boolean): void {
  check(validAddress ?? isEthAddress(m.participantAddress), 'valid participant address required')
  check(typeof m.inet_group === 'string', 'valid inet group required')
  check(typeof m.finished_at === 'number', 'field `finished_at` must be set to a number')
  check(m.indexerResult, 'field `indexerResult` must be set')
  if (m.stationId) {
    check(typeof m.stationId === 'string' && STATION_ID_PATTERN.test(m.stationId), 'stationId must be a hex string with 88 characters')
  }
  // Our deviation (see preprocessSparkMeasurement): Spark cannot evaluate such a round at all.
  check(typeof m.stationId === 'string', 'field `station_id` must be set (Spark v1 cannot evaluate a round with it missing)')
  if (m.retrievalResult === 'OK') {
    check(typeof m.start_at === 'number' && m.start_at > 0, 'field `start_at` must be a number greater than 0')
    check(typeof m.first_byte_at === 'number' && m.first_byte_at > 0, 'field `first_byte_at` must be a number greater than 0')
    check(typeof m.end_at === 'number' && m.end_at > 0, 'field `end_at` must be a number greater than 0')
    check(m.end_at >= m.start_at, 'end_at must be greater than or equal to start_at')
    check(m.end_at >= m.first_byte_at, 'end_at must be greater than or equal to first_byte_at')
    check(m.first_byte_at >= m.start_at, 'first_byte_at must be greater than or equal to start_at')
    if (m.protocol === 'http') {
      check(typeof m.head_status_code === 'number', '`head_status_code` must be a number')
    } else {
      check(
        m.head_status_code === undefined || m.head_status_code === null,
        '`head_status_code` must be undefined or null for non-HTTP retrievals',
      )
    }
  }
}
