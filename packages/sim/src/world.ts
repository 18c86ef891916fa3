import {
  type AdmissionParams,
  type Catalogue,
  CHECKER_VERSION,
  countsTowardRsr,
  FILECOIN_ADMISSION,
  PROTOCOL_VERSION,
  type ProtocolParams,
  sha256,
  toHex,
  validateParams,
} from '@spark-swarm/protocol'
import { behaviourOf } from './adversaries.js'
import { type OutcomeFields, outcomeFields } from './outcomes.js'
import { deriveSeed } from './rng.js'
import type { AdversaryModel, ProviderModel, ValidatedScenario } from './types.js'
import type { Item, ProviderInfo } from './world-types.js'

/*
 * The static part of a simulation, built once from a validated scenario: protocol params, the
 * catalogue, what each provider answers, and who each node slot is (honest or which adversary,
 * in which inet group). Everything here is a function of the scenario alone, so every worker
 * builds the same world.
 */

export type { Item, ProviderInfo } from './world-types.js'

export const STATION_PREFIX = '302a300506032b6570032100'
/** Round clock of the simulated network (virtual time: only measurement timestamps use it). */
export const GENESIS_TIME = 1767225600000
export const ROUND_DURATION_MS = 1_200_000

/** `-1` for honest slots, else the index of the slot's adversary model. */
export type SlotKind = number

export interface World {
  scenario: ValidatedScenario
  params: ProtocolParams
  genesisSeed: string
  catalogue: Catalogue
  /** Payload CID → item (payload CIDs are unique in the synthetic catalogue). */
  items: Map<string, Item>
  providers: ProviderInfo[]
  adversaries: AdversaryModel[]
  /** Per adversary model: its provider target, or null. */
  targets: Array<ProviderInfo | null>
  slotKind: Int16Array
  slotGroup: string[]
  honestSlots: number
  /** Slots whose identity is fixed per round by the model (grinding slots get fresh ids instead). */
  churnable: Uint32Array
  /** Per adversary model: the outcome its liars report (kinds with a `failureCode`), or null. */
  failureOf: Array<OutcomeFields | null>
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

function base32(n: number, width: number): string {
  let s = ''
  for (let i = 0; i < width; i++) {
    s = BASE32.charAt(n % 32) + s
    n = Math.floor(n / 32)
  }
  return s
}

/** A Spark-format station id (lowercase SPKI hex) that no key stands behind: 12-byte prefix + 32 bytes. */
export function syntheticStationId(...parts: Array<string | number>): string {
  return STATION_PREFIX + deriveSeed('station', ...parts)
}

/** `<first>.x.y.0/24`: honest nodes in 10.0.0.0/8, other adversaries in 100.x, one-group Sybils in 198.x. */
function groupName(first: number, n: number): string {
  return `${first + ((n >>> 16) & 255)}.${(n >>> 8) & 255}.${n & 255}.0/24`
}

/**
 * Version 2's admission in the simulator: Filecoin's (mainnet clock, finality, daily window), so
 * that the simulated network, which starts in 2026, has an eligibility height in every round.
 * Who is funded is the simulator's roster (`Population`), not a balance: the deposit is a label.
 */
export const SIM_ADMISSION: AdmissionParams = FILECOIN_ADMISSION

function simulationParams(scenario: ValidatedScenario, genesisSeed: string): ProtocolParams {
  const version = scenario.protocolVersion === 2 ? { protocolVersion: 2, admission: SIM_ADMISSION } : { protocolVersion: PROTOCOL_VERSION }
  return validateParams({
    ...version,
    network: 'sim',
    genesisTime: GENESIS_TIME,
    roundDurationMs: ROUND_DURATION_MS,
    tasksPerRound: scenario.tasksPerRound,
    maxTasksPerNode: scenario.maxTasksPerNode,
    minCommitteeSize: scenario.minCommitteeSize,
    committeeShards: 1,
    gracePeriodMs: 120_000,
    minCheckerVersion: CHECKER_VERSION,
    randomness: { type: 'local', genesisSeed },
    catalogueCid: null,
  })
}

/** Node slots: honest first, then each adversary model's share, each slot in its inet group. */
function assignSlots(scenario: ValidatedScenario): { slotKind: Int16Array; slotGroup: string[]; honest: number } {
  const adversaries = scenario.adversaries
  const counts = adversaries.map((a) => Math.round(a.share * scenario.nodes))
  let honest = scenario.nodes - counts.reduce((s, c) => s + c, 0)
  if (honest < 0) {
    // rounding of several shares summing to 1 may overshoot by a node or two
    for (let i = counts.length - 1; i >= 0 && honest < 0; i--) {
      const take = Math.min(counts[i] as number, -honest)
      counts[i] = (counts[i] as number) - take
      honest += take
    }
  }
  const slotKind = new Int16Array(scenario.nodes).fill(-1)
  const slotGroup: string[] = new Array(scenario.nodes)
  const groups = Math.max(1, scenario.inetGroups ?? scenario.nodes)
  const honestGroups = Array.from({ length: Math.min(groups, Math.max(honest, 1)) }, (_, g) => groupName(10, g))
  for (let s = 0; s < honest; s++) slotGroup[s] = honestGroups[s % honestGroups.length] as string
  let slot = honest
  let adversaryGroup = 0
  adversaries.forEach((a, m) => {
    const oneGroup = groupName(198, m)
    const shared = behaviourOf(a).inetGroups === 'one-for-the-model'
    for (let i = 0; i < (counts[m] as number); i++, slot++) {
      slotKind[slot] = m
      slotGroup[slot] = shared ? oneGroup : groupName(100, adversaryGroup++)
    }
  })
  return { slotKind, slotGroup, honest }
}

/** What each provider answers, and its true rate over the honest population. */
function providerInfo(model: ProviderModel, index: number, slotGroup: readonly string[], honest: number): ProviderInfo {
  const nodes = slotGroup.length
  const mix = Object.entries(model.failureMix ?? { HTTP_502: 1 }).filter(([, w]) => w > 0)
  const failures = mix.map(([code]) => outcomeFields(code) as OutcomeFields)
  const failureCumulative: number[] = []
  let sum = 0
  for (const [, w] of mix) {
    sum += w
    failureCumulative.push(sum)
  }
  const prefixes = model.kind === 'region-blocked' ? (model.blockedGroups ?? []) : []
  let blocked: Uint8Array | null = null
  if (prefixes.length > 0) {
    blocked = new Uint8Array(nodes)
    for (let s = 0; s < nodes; s++) {
      const g = slotGroup[s] as string
      if (prefixes.some((p) => g.startsWith(p))) blocked[s] = 1
    }
  }
  const ghost = model.kind === 'ghost'
  // the truth: what an honest checker's request sees, over the honest population
  let unblockedHonest = 0
  if (blocked) for (let s = 0; s < honest; s++) if (blocked[s] === 0) unblockedHonest++
  const unblocked = blocked && honest > 0 ? unblockedHonest / honest : 1
  const pOk = ghost ? 0 : model.successRate * unblocked
  const countedFailures = ghost ? 1 : mix.reduce((c, [code, w]) => c + (countsTowardRsr(code) ? w : 0), 0) / sum
  const denominator = pOk + (1 - pOk) * countedFailures
  return {
    index,
    model,
    minerId: model.minerId,
    providerId: `12D3KooWSim${base32(index, 6)}`,
    providerAddress: `/dns/sp${index}.sim.invalid/tcp/443/https`,
    blocked,
    ghost,
    failures,
    failureCumulative,
    trueRate: denominator > 0 ? pOk / denominator : 0,
  }
}

/** The catalogue: tasksPerRound × 4 entries, providers round-robin, with their content's truth. */
function buildCatalogue(scenario: ValidatedScenario, genesisSeed: string, providers: readonly ProviderInfo[]) {
  const size = scenario.tasksPerRound * 4
  const entries: Catalogue['entries'] = []
  const items = new Map<string, Item>()
  for (let i = 0; i < size; i++) {
    const provider = providers[i % providers.length] as ProviderInfo
    const cid = `bafkreisim${base32(i, 8)}`
    const content = sha256(`${genesisSeed}/content/${cid}`)
    entries.push({ cid, minerId: provider.minerId })
    items.set(cid, {
      provider,
      byteLength: 1024 + (((content[0] as number) << 16) | ((content[1] as number) << 8) | (content[2] as number)),
      checksum: `1220${toHex(content)}`,
      fakeChecksum: `1220${toHex(sha256(`${genesisSeed}/guess/${cid}`))}`,
    })
  }
  return { catalogue: { entries }, items }
}

export function buildWorld(scenario: ValidatedScenario): World {
  const genesisSeed = deriveSeed(scenario.seed, 'genesis')
  const params = simulationParams(scenario, genesisSeed)
  const adversaries = scenario.adversaries
  const { slotKind, slotGroup, honest } = assignSlots(scenario)
  const providers = scenario.providers.map((model, index) => providerInfo(model, index, slotGroup, honest))
  const byMiner = new Map(providers.map((p) => [p.minerId, p]))
  const { catalogue, items } = buildCatalogue(scenario, genesisSeed, providers)

  // slots whose identity lasts from round to round (churn replaces it); grinders mint fresh ones
  const churnable: number[] = []
  for (let s = 0; s < scenario.nodes; s++) {
    const k = slotKind[s] as number
    const adversary = adversaries[k]
    if (k < 0 || adversary === undefined || behaviourOf(adversary).part !== 'grinds') churnable.push(s)
  }

  return {
    scenario,
    params,
    genesisSeed,
    catalogue,
    items,
    providers,
    adversaries,
    targets: adversaries.map((a) => (a.targetMinerId === undefined ? null : (byMiner.get(a.targetMinerId) ?? null))),
    slotKind,
    slotGroup,
    honestSlots: honest,
    churnable: Uint32Array.from(churnable),
    failureOf: adversaries.map((a) => ('failureCode' in a ? (outcomeFields(a.failureCode) ?? null) : null)),
  }
}
