import { FILECOIN_EPOCH_MS, FILECOIN_GENESIS_MS } from '../randomness/drand-chains.js'

/*
 * The admission params of a version-2 network (spec §13.1) and the chain height whose state
 * decides a round's eligible participants (§13.4).
 */

/** Participants admitted by a deposit held at a height fixed before the round's seed. */
export interface AdmissionParams {
  type: 'deposit'
  /** The balance a participant must hold, in attoFIL, as a decimal string (it may exceed 2^53). */
  minDepositAttoFil: string
  /** Unix ms of chain epoch 0. */
  chainGenesisTime: number
  epochDurationMs: number
  /** How far behind the round's start the state is read: final there, on every honest Lotus. */
  finalityEpochs: number
  /** Heights round down to a multiple of this, so each participant is read once a window. */
  windowEpochs: number
}

export const ADMISSION_KEYS = [
  'type',
  'minDepositAttoFil',
  'chainGenesisTime',
  'epochDurationMs',
  'finalityEpochs',
  'windowEpochs',
] as const

const ATTO_FIL_PER_FIL = 10n ** 18n

/** Filecoin mainnet: EC finality (900 epochs, 7.5 h), one read a day (2880 epochs), 10 FIL. */
export const FILECOIN_ADMISSION: AdmissionParams = Object.freeze({
  type: 'deposit',
  minDepositAttoFil: (10n * ATTO_FIL_PER_FIL).toString(),
  chainGenesisTime: FILECOIN_GENESIS_MS,
  epochDurationMs: FILECOIN_EPOCH_MS,
  finalityEpochs: 900,
  windowEpochs: 2880,
})

/**
 * Checks `admission` and returns nothing; `invalid(key, rule)` throws naming `admission.<key>`.
 * Kept apart from validateParams so that the version-1 rules read as they did.
 */
export function checkAdmission(admission: unknown, invalid: (key: string, rule: string) => never): void {
  if (typeof admission !== 'object' || admission === null || Array.isArray(admission))
    invalid('admission', 'must be an object like {"type": "deposit", "minDepositAttoFil": "10000000000000000000", …}')
  const a = admission as Record<string, unknown>
  for (const key of Object.keys(a))
    if (!(ADMISSION_KEYS as readonly string[]).includes(key))
      invalid(`admission.${key}`, `is not an admission field (known: ${ADMISSION_KEYS.join(', ')})`)
  if (a.type !== 'deposit') invalid('admission.type', 'must be "deposit"')
  if (typeof a.minDepositAttoFil !== 'string' || !/^(0|[1-9][0-9]{0,39})$/.test(a.minDepositAttoFil))
    invalid('admission.minDepositAttoFil', 'must be a whole number of attoFIL as a decimal string, e.g. "10000000000000000000" (10 FIL)')
  const uint = (key: string, min: number) => {
    const v = a[key]
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) invalid(`admission.${key}`, `must be an integer ≥ ${min}`)
  }
  uint('chainGenesisTime', 0)
  uint('epochDurationMs', 1)
  uint('finalityEpochs', 0)
  uint('windowEpochs', 1)
}

/**
 * The chain height whose state decides who is eligible in the round that starts at
 * `roundStartMs` (spec §13.4), or null before the chain is `finalityEpochs` old.
 */
export function eligibilityHeight(admission: AdmissionParams, roundStartMs: number): number | null {
  const e = Math.floor((roundStartMs - admission.chainGenesisTime) / admission.epochDurationMs) - admission.finalityEpochs
  if (e < 0) return null
  return Math.floor(e / admission.windowEpochs) * admission.windowEpochs
}

/**
 * The first moment a round may start and count a deposit first held at `fundedHeight` (spec §13.4):
 * the height must be final behind the round's start and inside its window. A round that starts at
 * or after this time has `eligibilityHeight ≥ fundedHeight`; one that starts before it does not.
 */
export function eligibleFromTime(admission: AdmissionParams, fundedHeight: number): number {
  const window = Math.ceil(Math.max(0, fundedHeight) / admission.windowEpochs) * admission.windowEpochs
  return admission.chainGenesisTime + (window + admission.finalityEpochs) * admission.epochDurationMs
}

/** Whether a balance (attoFIL, decimal string or bigint) meets the deposit. */
export function meetsDeposit(admission: AdmissionParams, balanceAttoFil: bigint | string): boolean {
  return BigInt(balanceAttoFil) >= BigInt(admission.minDepositAttoFil)
}
