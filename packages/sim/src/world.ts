import {
  type Catalogue,
  CHECKER_VERSION,
  countsTowardRsr,
  PROTOCOL_VERSION,
  type ProtocolParams,
  sha256,
  toHex,
  validateParams,
} from '@spark-swarm/protocol'
import { type OutcomeFields, outcomeFields } from './outcomes.js'
import { deriveSeed } from './rng.js'
import type { AdversaryModel, ProviderModel, Scenario } from './types.js'

/*
 * The static part of a simulation, built once from a validated scenario: protocol params, the
 * catalogue, what each provider answers, and who each node slot is (honest or which adversary,
 * in which inet group). Everything here is a function of the scenario alone, so every worker
 * builds the same world.
 */

export const STATION_PREFIX = '302a300506032b6570032100'
/** Round clock of the simulated network (virtual time: only measurement timestamps use it). */
export const GENESIS_TIME = 1767225600000
export const ROUND_DURATION_MS = 1_200_000

export interface ProviderInfo {
  index: number
  model: ProviderModel
  minerId: string
  providerId: string
  providerAddress: string
  /** Per slot: 1 when the slot's inet group is blocked by this provider; null when none is. */
  blocked: Uint8Array | null
  ghost: boolean
  failures: OutcomeFields[]
  failureCumulative: number[]
  trueRate: number
}

/** A catalogue entry and the truth about its content. */
export interface Item {
  provider: ProviderInfo
  byteLength: number
  checksum: string
  /** What coordinated always-ok liars claim without retrieving: wrong, but the same for all of them. */
  fakeChecksum: string
}

/** `-1` for honest slots, else the index of the slot's adversary model. */
export type SlotKind = number

export interface World {
  scenario: Scenario
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

export function buildWorld(scenario: Scenario): World {
  const genesisSeed = deriveSeed(scenario.seed, 'genesis')
  const params = validateParams({
    protocolVersion: PROTOCOL_VERSION,
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

  // node slots: honest first, then each adversary model's share
  const adversaries = scenario.adversaries ?? []
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
    for (let i = 0; i < (counts[m] as number); i++, slot++) {
      slotKind[slot] = m
      slotGroup[slot] = a.kind === 'sybil-one-group' ? oneGroup : groupName(100, adversaryGroup++)
    }
  })

  const honestSlotsOf = (predicate: (s: number) => boolean) => {
    let n = 0
    for (let s = 0; s < honest; s++) if (predicate(s)) n++
    return n
  }
  const providers: ProviderInfo[] = scenario.providers.map((model, index) => {
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
      blocked = new Uint8Array(scenario.nodes)
      for (let s = 0; s < scenario.nodes; s++) {
        const g = slotGroup[s] as string
        if (prefixes.some((p) => g.startsWith(p))) blocked[s] = 1
      }
    }
    const ghost = model.kind === 'ghost'
    // the truth: what an honest checker's request sees, over the honest population
    const unblocked = blocked && honest > 0 ? honestSlotsOf((s) => blocked[s] === 0) / honest : 1
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
  })
  const byMiner = new Map(providers.map((p) => [p.minerId, p]))

  // the catalogue: tasksPerRound × 4 entries, providers round-robin
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

  const churnable: number[] = []
  for (let s = 0; s < scenario.nodes; s++) {
    const k = slotKind[s] as number
    if (k < 0 || adversaries[k]?.kind !== 'grinding') churnable.push(s)
  }

  return {
    scenario,
    params,
    genesisSeed,
    catalogue: { entries },
    items,
    providers,
    adversaries,
    targets: adversaries.map((a) => (a.targetMinerId === undefined ? null : (byMiner.get(a.targetMinerId) ?? null))),
    slotKind,
    slotGroup,
    honestSlots: honest,
    churnable: Uint32Array.from(churnable),
    failureOf: adversaries.map((a) => (a.failureCode === undefined ? null : (outcomeFields(a.failureCode) ?? null))),
  }
}
