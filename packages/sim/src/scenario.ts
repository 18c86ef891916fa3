import { outcomeFields } from './outcomes.js'
import type { AdversaryKind, AdversaryModel, ProviderModel, Scenario } from './types.js'

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

const ADVERSARY_KINDS: readonly AdversaryKind[] = [
  'always-fail',
  'always-ok',
  'copier',
  'lazy',
  'sybil-one-group',
  'sybil-spread',
  'grinding',
  'colluding',
]
const PROVIDER_KINDS = ['normal', 'region-blocked', 'ghost'] as const
/** Kinds that report a failure code instead of retrieving. */
const LYING_KINDS: readonly AdversaryKind[] = ['always-fail', 'sybil-one-group', 'sybil-spread', 'grinding']

const SCENARIO_KEYS = [
  'name',
  'seed',
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
const ADVERSARY_KEYS = ['kind', 'share', 'skipShare', 'identitiesPerRound', 'targetMinerId', 'guessRate', 'failureCode']

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

function validateAdversary(v: unknown, path: string, minerIds: ReadonlySet<string>): AdversaryModel {
  const a = object(v, path, ADVERSARY_KEYS)
  const kind = a.kind as AdversaryKind
  if (!ADVERSARY_KINDS.includes(kind)) throw new ScenarioError(`${path}.kind`, `must be one of ${ADVERSARY_KINDS.join(', ')}`)
  const out: AdversaryModel = { kind, share: share(a.share, `${path}.share`) }
  if (a.targetMinerId !== undefined || kind === 'grinding' || kind === 'colluding') {
    const target = a.targetMinerId
    if (typeof target !== 'string' || !minerIds.has(target)) {
      throw new ScenarioError(`${path}.targetMinerId`, `must name one of the providers (${[...minerIds].join(', ')})`)
    }
    out.targetMinerId = target
  }
  if (kind === 'lazy') out.skipShare = a.skipShare === undefined ? 0.5 : share(a.skipShare, `${path}.skipShare`)
  else if (a.skipShare !== undefined) throw new ScenarioError(`${path}.skipShare`, 'applies to lazy adversaries only')
  if (kind === 'grinding') {
    out.identitiesPerRound = a.identitiesPerRound === undefined ? 1000 : integer(a.identitiesPerRound, `${path}.identitiesPerRound`, 1)
  } else if (a.identitiesPerRound !== undefined) {
    throw new ScenarioError(`${path}.identitiesPerRound`, 'applies to grinding adversaries only')
  }
  if (kind === 'always-ok') out.guessRate = a.guessRate === undefined ? 0 : share(a.guessRate, `${path}.guessRate`)
  else if (a.guessRate !== undefined) throw new ScenarioError(`${path}.guessRate`, 'applies to always-ok adversaries only')
  if (LYING_KINDS.includes(kind)) {
    out.failureCode = a.failureCode === undefined ? 'HTTP_502' : failureCode(a.failureCode, `${path}.failureCode`)
  } else if (a.failureCode !== undefined) {
    throw new ScenarioError(`${path}.failureCode`, `applies to ${LYING_KINDS.join(', ')} adversaries only`)
  }
  return out
}

/**
 * Checks a scenario (parsed JSON) and returns it with every default filled in, so that a result
 * records exactly what was simulated. Throws `ScenarioError` naming the first offending field.
 *
 * @example
 * validateScenario({ seed: 's', nodes: 100, tasksPerRound: 50, maxTasksPerNode: 15,
 *   minCommitteeSize: 10, rounds: 5, providers: [{ minerId: 'f01', successRate: 0.9 }] })
 */
export function validateScenario(value: unknown): Scenario {
  const s = object(value, '', SCENARIO_KEYS)
  const out: Partial<Scenario> = {}
  if (s.name !== undefined) out.name = text(s.name, 'name', 200)
  if (typeof s.seed === 'number' && Number.isFinite(s.seed)) out.seed = String(s.seed)
  else out.seed = text(s.seed, 'seed', 200)
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
  out.adversaries = adversaries.map((a, i) => validateAdversary(a, `adversaries[${i}]`, minerIds))
  const total = out.adversaries.reduce((sum, a) => sum + a.share, 0)
  if (total > 1 + 1e-9) throw new ScenarioError('adversaries', `shares add up to ${total}, more than 1 (all nodes)`)
  out.churn = s.churn === undefined ? 0 : share(s.churn, 'churn')
  out.messageLoss = s.messageLoss === undefined ? 0 : share(s.messageLoss, 'messageLoss')
  out.lateDelivery = s.lateDelivery === undefined ? 0 : share(s.lateDelivery, 'lateDelivery')
  return out as Scenario
}

/**
 * Parses a scenario file and validates it. JSON only: YAML would need a dependency for little
 * gain (a scenario is a dozen keys), so `.yaml`/`.yml` files are refused with a clear message.
 */
export function parseScenarioFile(text: string, filename: string): Scenario {
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
