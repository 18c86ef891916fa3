import { ADVERSARY_KINDS } from './adversaries.js'
import { outcomeFields } from './outcomes.js'
import type { AdversaryKind, AdversaryModel, ProviderModel, ValidatedScenario } from './types.js'

/** A scenario that does not validate; `path` names the field (`providers[2].successRate`). */
export class ScenarioError extends Error {
  readonly code = 'SCENARIO_INVALID'
  readonly path: string
  constructor(path: string, message: string) {
    super(path ? `${path} ${message}` : message)
    this.name = 'ScenarioError'
    this.path = path
  }
}

const PROVIDER_KINDS = ['normal', 'region-blocked', 'ghost'] as const

const SCENARIO_KEYS = [
  'name',
  'seed',
  'protocolVersion',
  'nodes',
  'inetGroups',
  'tasksPerRound',
  'maxTasksPerNode',
  'minCommitteeSize',
  'rounds',
  'providers',
  'adversaries',
  'churn',
  'messageLoss',
  'lateDelivery',
]
const PROVIDER_KEYS = ['minerId', 'successRate', 'failureMix', 'kind', 'blockedGroups']
/** The fields a scenario's adversary may have, in the order the "not a known field" message lists them. */
const ADVERSARY_KEYS = [
  'kind',
  'share',
  'skipShare',
  'identitiesPerRound',
  'participants',
  'targetMinerId',
  'guessRate',
  'failureCode',
] satisfies ReadonlyArray<'kind' | 'share' | AdversaryField>

/** Every field of some adversary model besides `kind` and `share`. */
type AdversaryField = Exclude<{ [K in AdversaryKind]: keyof Extract<AdversaryModel, { kind: K }> }[AdversaryKind], 'kind' | 'share'>

/**
 * The fields each kind takes (a listed `targetMinerId` is required; every kind may name one).
 * Typed against the model: a kind missing here, or a field its model lacks, does not compile.
 */
const KIND_FIELDS: { [K in AdversaryKind]: ReadonlyArray<Exclude<keyof Extract<AdversaryModel, { kind: K }>, 'kind' | 'share'>> } = {
  'always-fail': ['failureCode'],
  'always-ok': ['guessRate'],
  copier: [],
  lazy: ['skipShare'],
  'sybil-one-group': ['failureCode'],
  'sybil-spread': ['failureCode'],
  grinding: ['targetMinerId', 'identitiesPerRound', 'failureCode'],
  colluding: ['targetMinerId'],
  'deposit-holder': ['targetMinerId', 'participants', 'failureCode'],
}

const LIMIT = 1_000_000
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function object(v: unknown, path: string, keys: readonly string[]): Json {
  if (!isObject(v)) throw new ScenarioError(path, 'must be an object')
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new ScenarioError(path ? `${path}.${k}` : k, `is not a known field (expected one of ${keys.join(', ')})`)
  }
  return v
}

function integer(v: unknown, path: string, min: number, max = LIMIT): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ScenarioError(path, `must be an integer between ${min} and ${max}`)
  }
  return v
}

function share(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new ScenarioError(path, 'must be between 0 and 1')
  return v
}

function text(v: unknown, path: string, maxLength: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength || CONTROL.test(v)) {
    throw new ScenarioError(path, `must be a non-empty string of at most ${maxLength} characters without control characters`)
  }
  return v
}

function failureCode(v: unknown, path: string): string {
  const code = text(v, path, 64)
  if (code === 'OK' || !outcomeFields(code)) {
    throw new ScenarioError(path, `"${code}" is not a failure code a measurement can carry (e.g. HTTP_502, TIMEOUT, CONNECTION_REFUSED)`)
  }
  return code
}

function validateProvider(v: unknown, path: string): ProviderModel {
  const p = object(v, path, PROVIDER_KEYS)
  const minerId = text(p.minerId, `${path}.minerId`, 64)
  const successRate = share(p.successRate, `${path}.successRate`)
  const kind = p.kind ?? 'normal'
  if (!PROVIDER_KINDS.includes(kind as (typeof PROVIDER_KINDS)[number])) {
    throw new ScenarioError(`${path}.kind`, `must be one of ${PROVIDER_KINDS.join(', ')}`)
  }
  let failureMix: Record<string, number> = { HTTP_502: 1 }
  if (p.failureMix !== undefined) {
    const mix = object(p.failureMix, `${path}.failureMix`, Object.keys(isObject(p.failureMix) ? p.failureMix : {}))
    failureMix = {}
    let sum = 0
    for (const [code, weight] of Object.entries(mix)) {
      failureCode(code, `${path}.failureMix.${code}`)
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
        throw new ScenarioError(`${path}.failureMix.${code}`, 'must be a non-negative number')
      }
      failureMix[code] = weight
      sum += weight
    }
    if (!(sum > 0)) throw new ScenarioError(`${path}.failureMix`, 'must have at least one positive weight')
  }
  let blockedGroups: string[] = []
  if (p.blockedGroups !== undefined) {
    if (!Array.isArray(p.blockedGroups)) throw new ScenarioError(`${path}.blockedGroups`, 'must be a list of inet-group prefixes')
    blockedGroups = p.blockedGroups.map((g, i) => text(g, `${path}.blockedGroups[${i}]`, 64))
  }
  if (kind === 'region-blocked' && blockedGroups.length === 0) {
    throw new ScenarioError(
      `${path}.blockedGroups`,
      'must list at least one inet-group prefix (e.g. "10.0.") for a region-blocked provider',
    )
  }
  return { minerId, successRate, failureMix, kind: kind as ProviderModel['kind'], blockedGroups }
}

/**
 * Each field's check and default, given that the field applies to the adversary's kind. Its key
 * order is the order fields are checked in (the first error wins) and recorded in the result.
 */
const FIELD_PARSERS: Record<AdversaryField, (v: unknown, path: string, minerIds: ReadonlySet<string>, nodes: number) => unknown> = {
  targetMinerId: (v, path, minerIds) => {
    if (typeof v !== 'string' || !minerIds.has(v)) {
      throw new ScenarioError(path, `must name one of the providers (${[...minerIds].join(', ')})`)
    }
    return v
  },
  skipShare: (v, path) => (v === undefined ? 0.5 : share(v, path)),
  identitiesPerRound: (v, path) => (v === undefined ? 1000 : integer(v, path, 1)),
  guessRate: (v, path) => (v === undefined ? 0 : share(v, path)),
  failureCode: (v, path) => (v === undefined ? 'HTTP_502' : failureCode(v, path)),
  // its participants are nodes of the scenario, so that its share of the roster is participants / nodes
  participants: (v, path, _, nodes) => {
    if (v === undefined)
      throw new ScenarioError(path, `is required: how many funded participants the deposit-holder holds (0 to nodes, ${nodes})`)
    return integer(v, path, 0, nodes)
  },
}

const ADVERSARY_FIELDS = Object.keys(FIELD_PARSERS) as AdversaryField[]

function kindsTaking(field: AdversaryField): string {
  return ADVERSARY_KINDS.filter((k) => (KIND_FIELDS[k] as readonly string[]).includes(field)).join(', ')
}

function validateAdversary(v: unknown, path: string, minerIds: ReadonlySet<string>, nodes: number): AdversaryModel {
  const a = object(v, path, ADVERSARY_KEYS)
  const kind = a.kind as AdversaryKind
  if (!ADVERSARY_KINDS.includes(kind)) throw new ScenarioError(`${path}.kind`, `must be one of ${ADVERSARY_KINDS.join(', ')}`)
  const out: Json = { kind, share: 0 }
  // a deposit-holder's size is its participant count and its share is derived from it (below), so that a
  // sweep of participants moves both; a share it carries (a validated scenario's) is only checked
  if (kind !== 'deposit-holder' || a.share !== undefined) out.share = share(a.share, `${path}.share`)
  const own = KIND_FIELDS[kind] as readonly AdversaryField[]
  for (const field of ADVERSARY_FIELDS) {
    const value = a[field]
    // every kind may name a target; a listed one must
    const applies = own.includes(field) || (field === 'targetMinerId' && value !== undefined)
    if (applies) out[field] = FIELD_PARSERS[field](value, `${path}.${field}`, minerIds, nodes)
    else if (value !== undefined) throw new ScenarioError(`${path}.${field}`, `applies to ${kindsTaking(field)} adversaries only`)
  }
  if (kind === 'deposit-holder') out.share = (out.participants as number) / nodes
  // the fields are those KIND_FIELDS lists for the kind, which its type checks against the model
  return out as unknown as AdversaryModel
}

/**
 * Checks a scenario (parsed JSON) and returns it with every default filled in, so that a result
 * records exactly what was simulated. Throws `ScenarioError` naming the first offending field.
 *
 * @example
 * validateScenario({ seed: 's', nodes: 100, tasksPerRound: 50, maxTasksPerNode: 15,
 *   minCommitteeSize: 10, rounds: 5, providers: [{ minerId: 'f01', successRate: 0.9 }] })
 */
export function validateScenario(value: unknown): ValidatedScenario {
  const s = object(value, '', SCENARIO_KEYS)
  const out: Partial<ValidatedScenario> = {}
  if (s.name !== undefined) out.name = text(s.name, 'name', 200)
  if (typeof s.seed === 'number' && Number.isFinite(s.seed)) out.seed = String(s.seed)
  else out.seed = text(s.seed, 'seed', 200)
  // absent means 1 and stays absent: a version-1 result is byte for byte what it was before version 2
  if (s.protocolVersion !== undefined) {
    if (s.protocolVersion !== 1 && s.protocolVersion !== 2) {
      throw new ScenarioError('protocolVersion', 'must be 1 (inet-group rules) or 2 (participants admitted by deposit, spec §13)')
    }
    out.protocolVersion = s.protocolVersion
  }
  const nodes = integer(s.nodes, 'nodes', 1)
  out.nodes = nodes
  out.inetGroups = s.inetGroups === undefined ? nodes : integer(s.inetGroups, 'inetGroups', 1)
  out.tasksPerRound = integer(s.tasksPerRound, 'tasksPerRound', 1, 100_000)
  out.maxTasksPerNode = integer(s.maxTasksPerNode, 'maxTasksPerNode', 1, 10_000)
  out.minCommitteeSize = integer(s.minCommitteeSize, 'minCommitteeSize', 0)
  out.rounds = integer(s.rounds, 'rounds', 1, 1_000_000)
  if (!Array.isArray(s.providers) || s.providers.length === 0 || s.providers.length > 100_000) {
    throw new ScenarioError('providers', 'must be a non-empty list (at most 100,000)')
  }
  const providers = s.providers.map((p, i) => validateProvider(p, `providers[${i}]`))
  const minerIds = new Set<string>()
  providers.forEach((p, i) => {
    if (minerIds.has(p.minerId)) throw new ScenarioError(`providers[${i}].minerId`, `repeats "${p.minerId}"`)
    minerIds.add(p.minerId)
  })
  out.providers = providers
  const adversaries = s.adversaries ?? []
  if (!Array.isArray(adversaries) || adversaries.length > 100)
    throw new ScenarioError('adversaries', 'must be a list of at most 100 models')
  out.adversaries = adversaries.map((a, i) => validateAdversary(a, `adversaries[${i}]`, minerIds, nodes))
  const total = out.adversaries.reduce((sum, a) => sum + a.share, 0)
  if (total > 1 + 1e-9) throw new ScenarioError('adversaries', `shares add up to ${total}, more than 1 (all nodes)`)
  out.churn = s.churn === undefined ? 0 : share(s.churn, 'churn')
  out.messageLoss = s.messageLoss === undefined ? 0 : share(s.messageLoss, 'messageLoss')
  out.lateDelivery = s.lateDelivery === undefined ? 0 : share(s.lateDelivery, 'lateDelivery')
  return out as ValidatedScenario
}

/**
 * Parses a scenario file and validates it. JSON only: YAML would need a dependency for little
 * gain (a scenario is a dozen keys), so `.yaml`/`.yml` files are refused with a clear message.
 */
export function parseScenarioFile(text: string, filename: string): ValidatedScenario {
  if (/\.ya?ml$/i.test(filename)) {
    throw new ScenarioError('', `${filename}: YAML scenarios are not supported; write the scenario as JSON`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ScenarioError('', `${filename}: not valid JSON (${(err as Error).message})`)
  }
  try {
    return validateScenario(value)
  } catch (err) {
    if (err instanceof ScenarioError) err.message = `${filename}: ${err.message}`
    throw err
  }
}

/**
 * A copy of `scenario` with the field at a dotted path set (`adversaries.0.share`,
 * `providers.1.successRate`, `churn`). Numeric segments index lists. The parent must exist; the
 * result is not validated (the caller validates after setting every swept field).
 */
export function setPath<T extends object>(scenario: T, path: string, value: unknown): T {
  const segments = path.split('.')
  if (segments.some((s) => s === '')) throw new ScenarioError(path, 'is not a valid path (dotted, e.g. adversaries.0.share)')
  const copy = structuredClone(scenario)
  let node: unknown = copy
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i] as string
    const next = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined
    if (typeof next !== 'object' || next === null) {
      throw new ScenarioError(segments.slice(0, i + 1).join('.'), 'does not exist in the scenario')
    }
    node = next
  }
  const last = segments[segments.length - 1] as string
  if (Array.isArray(node)) {
    const index = Number(last)
    if (!Number.isInteger(index) || index < 0 || index > node.length) throw new ScenarioError(path, 'is not an index of the list')
    node[index] = value
  } else {
    ;(node as Record<string, unknown>)[last] = value
  }
  return copy
}
