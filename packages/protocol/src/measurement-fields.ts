/*
 * A measurement's fields by kind (spec §5, §13.3): what shape validation checks and what the
 * encoder of a validated measurement writes, one list for both.
 */

export const NULLABLE_STRINGS = ['indexerResult', 'protocol', 'providerId', 'providerAddress', 'carChecksum'] as const
export const NULLABLE_INTEGERS = ['statusCode', 'headStatusCode', 'byteLength', 'startAt', 'firstByteAt', 'endAt'] as const
/** Version 2's binding (spec §13.3); unknown keys in any other version. */
export const BINDING_FIELDS = ['participant', 'bindingFromRound', 'bindingSignature'] as const

/** Every field of a version-1 measurement (without its signature). */
export const FIELDS_V1: readonly string[] = [
  'protocolVersion',
  'network',
  'round',
  'task',
  'stationId',
  'inetGroup',
  'checkerVersion',
  'timeout',
  'carTooLarge',
  'retrievalResult',
  ...NULLABLE_STRINGS,
  ...NULLABLE_INTEGERS,
]
export const FIELDS_V2: readonly string[] = [...FIELDS_V1, ...BINDING_FIELDS]
