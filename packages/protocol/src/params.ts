import * as dagCbor from '@ipld/dag-cbor'
import { type AdmissionParams, checkAdmission } from './admission/params.js'
import { sha256, toHex } from './bytes.js'
import { ProtocolError } from './errors.js'
import { QUICKNET } from './randomness/drand-chains.js'
import { PROTOCOL_VERSION, parseVersion } from './version.js'

/** Where round seeds come from. */
export type RandomnessParams =
  | {
      /** A hash chain from a genesis seed: offline devnets and tests. */
      type: 'local'
      /** 32 bytes, hex. */
      genesisSeed: string
    }
  | {
      /** drand beacons, verified with BLS against the chain's public key. */
      type: 'drand'
      chainHash: string
      /** Hex of the chain's G2 public key (96 bytes for quicknet). */
      publicKey: string
      /** Unix seconds of drand round 1. */
      genesisTime: number
      /** Seconds between drand rounds. */
      period: number
    }

/**
 * Everything the nodes of one network must agree on. One object, passed explicitly to every
 * protocol function: never a global, never read from the environment.
 */
export interface ProtocolParams {
  protocolVersion: number
  /** Network name; part of topics, signatures and summaries, so networks never mix. */
  network: string
  /** Unix milliseconds at which round 0 starts. */
  genesisTime: number
  roundDurationMs: number
  /** How many catalogue entries each round samples. */
  tasksPerRound: number
  /** K: how many of the round's tasks each node performs (Spark's `maxTasksPerNode`). */
  maxTasksPerNode: number
  /** Committees with fewer valid measurements are COMMITTEE_TOO_SMALL. */
  minCommitteeSize: number
  /** C: measurement gossip is split over this many topics by `taskKey mod C`. */
  committeeShards: number
  /** How long after a round ends measurements are still accepted. */
  gracePeriodMs: number
  /** Checkers below this version are OUTDATED_CLIENT. */
  minCheckerVersion: string
  randomness: RandomnessParams
  /** CID of the task catalogue, or null when the network has not published one yet. */
  catalogueCid: string | null
  /**
   * Version 2 only (spec §13.1): who may check, by deposit. Absent in version 1, so version-1
   * params and their digests are what they were.
   */
  admission?: AdmissionParams
}

const MINUTE = 60_000

/** Production: 20-minute rounds like Spark, seeds from drand quicknet. */
export const mainnet: ProtocolParams = Object.freeze({
  protocolVersion: PROTOCOL_VERSION,
  network: 'mainnet',
  genesisTime: Date.UTC(2026, 0, 1),
  roundDurationMs: 20 * MINUTE,
  tasksPerRound: 1000,
  maxTasksPerNode: 15,
  minCommitteeSize: 30,
  committeeShards: 16,
  gracePeriodMs: 2 * MINUTE,
  minCheckerVersion: '0.1.0',
  randomness: Object.freeze({ type: 'drand', ...QUICKNET }),
  catalogueCid: null,
}) as ProtocolParams

/** Spark v1's numbers, for re-evaluating Spark rounds and comparing with it. */
export const sparkCompat: ProtocolParams = Object.freeze({
  ...mainnet,
  network: 'spark-compat',
  committeeShards: 1,
}) as ProtocolParams

/** A local network on loopback: second-long rounds, small committees, a local hash chain. */
export const devnet: ProtocolParams = Object.freeze({
  protocolVersion: PROTOCOL_VERSION,
  network: 'devnet',
  // recent, so that round numbers, and the local beacon chain computed up to them, stay small
  genesisTime: Date.UTC(2026, 10, 1),
  roundDurationMs: 10_000,
  tasksPerRound: 12,
  maxTasksPerNode: 4,
  minCommitteeSize: 3,
  committeeShards: 2,
  gracePeriodMs: 2_000,
  minCheckerVersion: '0.1.0',
  randomness: Object.freeze({
    type: 'local',
    genesisSeed: '537061726b20537761726d206465766e65742067656e65736973207365656421',
  }),
  catalogueCid: null,
}) as ProtocolParams

/**
 * Devnet on protocol version 2 (spec §13): a chain of 1-second epochs from devnet's genesis, as the
 * devnet's fake Lotus runs it, read 5 epochs behind the round start in windows of 5, so that a
 * deposit counts from the round after next; 1 FIL.
 */
export const devnetV2: ProtocolParams = Object.freeze({
  ...devnet,
  network: 'devnet-v2',
  protocolVersion: 2,
  admission: Object.freeze({
    type: 'deposit',
    minDepositAttoFil: '1000000000000000000',
    chainGenesisTime: devnet.genesisTime,
    epochDurationMs: 1_000,
    finalityEpochs: 5,
    windowEpochs: 5,
  }),
}) as ProtocolParams

export const presets = { mainnet, devnet, 'spark-compat': sparkCompat, 'devnet-v2': devnetV2 } as const
export type PresetName = keyof typeof presets

/** Looks a preset up by name; PARAMS_UNKNOWN_PRESET lists the names that exist. */
export function getPreset(name: string): ProtocolParams {
  const preset = (presets as Record<string, ProtocolParams>)[name]
  if (!preset) {
    throw new ProtocolError('PARAMS_UNKNOWN_PRESET', `unknown preset "${name}": use one of ${Object.keys(presets).join(', ')}`)
  }
  return preset
}

function invalid(key: string, rule: string): never {
  throw new ProtocolError('PARAMS_INVALID', `params.${key} ${rule}`, { key })
}

/** A value for an error message: its JSON, cut short; never throws (deep, cyclic or BigInt values). */
function shown(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 40)
  } catch {
    return `a ${typeof value}`
  }
}

function positiveInteger(params: ProtocolParams, key: keyof ProtocolParams, allowZero = false): void {
  const value = params[key]
  if (!Number.isSafeInteger(value) || (value as number) < (allowZero ? 0 : 1)) {
    invalid(key, `must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${shown(value)}`)
  }
}

const isHex = (value: unknown, pattern: RegExp): boolean => typeof value === 'string' && pattern.test(value)

/** The fields of each randomness source: like a top-level key, an unknown one would change the digest. */
const RANDOMNESS_KEYS: Record<string, readonly string[]> = {
  local: ['type', 'genesisSeed'],
  drand: ['type', 'chainHash', 'publicKey', 'genesisTime', 'period'],
}

/**
 * Checks every field and returns the params unchanged; throws PARAMS_INVALID naming the first
 * bad key and the rule it breaks.
 */
const PARAM_KEYS = new Set(Object.keys(devnetShape()))

function devnetShape(): Record<keyof ProtocolParams, true> {
  return {
    protocolVersion: true,
    network: true,
    genesisTime: true,
    roundDurationMs: true,
    tasksPerRound: true,
    maxTasksPerNode: true,
    minCommitteeSize: true,
    committeeShards: true,
    gracePeriodMs: true,
    minCheckerVersion: true,
    randomness: true,
    catalogueCid: true,
    admission: true,
  }
}

export function validateParams(params: ProtocolParams): ProtocolParams {
  if (typeof params !== 'object' || params === null) invalid('', 'must be an object')
  // an unknown key would silently change the params digest: a typo must not fork the network
  for (const key of Object.keys(params))
    if (!PARAM_KEYS.has(key)) invalid(key, `is not a protocol parameter (known: ${[...PARAM_KEYS].join(', ')})`)
  positiveInteger(params, 'protocolVersion')
  // a version this code does not know would run on rules it does not have
  if (params.protocolVersion > 2) invalid('protocolVersion', 'must be 1 or 2 (spec §13 is version 2)')
  if (typeof params.network !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(params.network)) {
    invalid('network', 'must be 1–63 lowercase letters, digits or dashes')
  }
  positiveInteger(params, 'genesisTime', true)
  positiveInteger(params, 'roundDurationMs')
  positiveInteger(params, 'tasksPerRound')
  positiveInteger(params, 'maxTasksPerNode', true)
  positiveInteger(params, 'minCommitteeSize', true)
  positiveInteger(params, 'committeeShards')
  positiveInteger(params, 'gracePeriodMs', true)
  // attestations of round r are accepted until round r + 1's grace ends: it must end within r + 1
  if (params.gracePeriodMs >= params.roundDurationMs) invalid('gracePeriodMs', 'must be shorter than roundDurationMs')
  try {
    parseVersion(params.minCheckerVersion)
  } catch {
    invalid('minCheckerVersion', 'must be a version like 1.2.3')
  }
  const r = params.randomness
  // typeof first: a regular expression would test any object's string form
  if (r?.type === 'local') {
    if (!isHex(r.genesisSeed, /^[0-9a-f]{64}$/)) invalid('randomness.genesisSeed', 'must be 64 lowercase hex digits')
  } else if (r?.type === 'drand') {
    if (!isHex(r.chainHash, /^[0-9a-f]{64}$/)) invalid('randomness.chainHash', 'must be 64 lowercase hex digits')
    if (!isHex(r.publicKey, /^(?:[0-9a-f]{2})+$/)) invalid('randomness.publicKey', 'must be lowercase hex bytes')
    if (!Number.isSafeInteger(r.genesisTime) || r.genesisTime <= 0) invalid('randomness.genesisTime', 'must be unix seconds')
    if (!Number.isSafeInteger(r.period) || r.period <= 0) invalid('randomness.period', 'must be a positive number of seconds')
  } else {
    invalid('randomness.type', 'must be "local" or "drand"')
  }
  const known = RANDOMNESS_KEYS[r.type] as readonly string[]
  for (const key of Object.keys(r)) {
    if (!known.includes(key)) invalid(`randomness.${key}`, `is not a field of ${r.type} randomness (known: ${known.join(', ')})`)
  }
  if (params.catalogueCid !== null && typeof params.catalogueCid !== 'string') {
    invalid('catalogueCid', 'must be a CID string or null')
  }
  if (params.protocolVersion === 1 && params.admission !== undefined) {
    invalid('admission', 'is a version-2 parameter (spec §13.1): remove it, or set protocolVersion to 2')
  }
  if (params.protocolVersion === 2) {
    if (params.admission === undefined) invalid('admission', 'is required in version 2 (spec §13.1)')
    checkAdmission(params.admission, invalid)
  }
  return params
}

/**
 * SHA-256 (hex) of the params' canonical DAG-CBOR encoding. Two nodes with equal digests run the
 * same network; summaries carry it so a reader knows which rules produced them.
 */
export function paramsDigest(params: ProtocolParams): string {
  return toHex(sha256(dagCbor.encode(params)))
}

/** The round in progress at `timeMs` (negative before genesis). */
export function roundAt(params: ProtocolParams, timeMs: number): number {
  return Math.floor((timeMs - params.genesisTime) / params.roundDurationMs)
}

/** Unix milliseconds at which `round` starts. */
export function roundStartTime(params: ProtocolParams, round: number): number {
  return params.genesisTime + round * params.roundDurationMs
}
