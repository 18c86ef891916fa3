import {
  buildCommitteeBlock,
  type CommitteeMembership,
  cidOfDagCbor,
  cidText,
  encodeSignedMeasurement,
  type ProtocolParams,
  type RetrievalTask,
  type SignedMeasurement,
  type StationKey,
  signAttestation,
  taskId,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import type { RoundOutcome } from '../../src/node/anchor/anchor.js'
import { createConvergence } from '../../src/node/anchor/convergence.js'
import { type CheckerNodeEvents, TypedEventTarget } from '../../src/node/events.js'
import { silentLogger } from '../../src/node/logger.js'
import type { RoundInfo } from '../../src/node/round/rounds.js'
import type { NodeStore } from '../../src/store/index.js'
import { signedMeasurement } from './measurements.js'
import { memoryStore, params, recordEvents, roundsOf, station } from './node-fixtures.js'

/*
 * Convergence over a real store and a blockstore stub: the node (station 0), the stations
 * assigned its first task of round ROUND, their attestations and committee blocks.
 */

export const ROUND = 3
export const node = station(0)
export const rounds = roundsOf(node)

/** The node's first task of the round and the first `count` stations assigned it, the node first. */
export async function assignedTo(count: number, from = 1): Promise<{ info: RoundInfo; task: RetrievalTask; stations: StationKey[] }> {
  const info = await rounds.get(ROUND)
  const task = info.mine[0] as RetrievalTask
  const stations: StationKey[] = [node]
  for (let i = from; stations.length < count; i++) {
    const key = station(i)
    if (info.selector.pick(key.stationId, params.maxTasksPerNode).some((t) => taskId(t) === taskId(task))) stations.push(key)
  }
  return { info, task, stations }
}

export function attestation(key: StationKey, task: RetrievalTask, committee: string, round = ROUND) {
  return signAttestation(
    {
      protocolVersion: params.protocolVersion,
      network: params.network,
      round,
      task: { cid: task.cid, minerId: task.minerId },
      stationId: key.stationId,
      committee: CID.parse(committee),
    },
    key,
  )
}

/** Stores a peer's measurement as the gossip path would. */
export function storeMeasurement(s: NodeStore, info: RoundInfo, m: SignedMeasurement) {
  const bytes = encodeSignedMeasurement(m)
  const cid = cidText(cidOfDagCbor(bytes))
  s.putMeasurement({
    cid,
    round: m.round,
    taskId: taskId(m.task),
    stationId: m.stationId,
    shard: info.shards.get(taskId(m.task)) as number,
    bytes,
    origin: 'peer',
  })
  return { cid, bytes }
}

/**
 * Another node's committee block of `task` listing the measurements of `members` (size = their
 * number), put into `blocks` with its list and the measurements; `variant` makes its CID differ.
 */
export function foreignBlock(blocks: Map<string, Uint8Array>, info: RoundInfo, task: RetrievalTask, members: StationKey[], variant = 0) {
  const measurements = members.map((key) => signedMeasurement(ROUND, key, task))
  const cids = measurements.map((m) => {
    const bytes = encodeSignedMeasurement(m)
    const cid = cidText(cidOfDagCbor(bytes))
    blocks.set(cid, bytes)
    return cid
  })
  return { cid: okCommitteeBlock(blocks, info, task, cids, { variant }), measurements }
}

/**
 * An OK committee block of `task` listing `cids` (size = their number), put into `blocks` with its
 * list; `variant` makes its CID differ, `params` are the rules it names. Returns its CID.
 */
export function okCommitteeBlock(
  blocks: Map<string, Uint8Array>,
  info: RoundInfo,
  task: RetrievalTask,
  cids: string[],
  { variant = 0, rules = params }: { variant?: number; rules?: ProtocolParams } = {},
): string {
  const { block, list } = buildCommitteeBlock(
    {
      task,
      size: cids.length,
      counts: { OK: cids.length, [`variant-${variant}`]: 0 },
      measurements: cids,
      indexMajorityFound: true,
      indexerResult: 'OK',
      retrievalMajorityFound: true,
      retrievalResult: 'OK',
    },
    { params: rules, seeds: info.seeds, network: rules.network, round: ROUND },
  )
  blocks.set(block.cid.toString(), block.bytes)
  blocks.set(list.cid.toString(), list.bytes)
  return block.cid.toString()
}

/**
 * A convergence over a real store and a blockstore stub holding `blocks`; `fetched` lists every
 * block asked for. `shared` gives it the store and events of a real anchoring to re-anchor with.
 */
export function convergenceWith(
  blocks: Map<string, Uint8Array>,
  reanchor: (round: number) => Promise<RoundOutcome>,
  shared: { store?: NodeStore; events?: TypedEventTarget<CheckerNodeEvents> } = {},
) {
  const s = shared.store ?? memoryStore()
  const events = shared.events ?? new TypedEventTarget<CheckerNodeEvents>()
  const recorded = recordEvents(events, ['committee:confirmed', 'activity'])
  const fetched: string[] = []
  const convergence = createConvergence({
    params,
    rounds,
    store: s,
    blocks: {
      get(cid: CID) {
        fetched.push(cid.toString())
        const bytes = blocks.get(cid.toString())
        if (!bytes) throw new Error(`no block ${cid}`)
        return [bytes]
      },
    },
    reanchor,
    events,
    log: silentLogger,
    signal: new AbortController().signal,
  })
  /** Resolves with the first `committee:confirmed` of `cid`, or fails after `timeoutMs`. */
  const confirmedOf = (cid: string, timeoutMs = 5_000) =>
    new Promise<CheckerNodeEvents['committee:confirmed']['detail']>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${cid} not confirmed within ${timeoutMs} ms`)), timeoutMs)
      const seen = recorded.of('committee:confirmed').find((c) => c.committeeCid === cid)
      if (seen) {
        clearTimeout(timer)
        resolve(seen)
        return
      }
      events.addEventListener('committee:confirmed', (e) => {
        if (e.detail.committeeCid !== cid) return
        clearTimeout(timer)
        resolve(e.detail)
      })
    })
  return { store: s, events: recorded, convergence, fetched, confirmedOf }
}

/** The node's own outcome of ROUND for `task`: it attested `attested`, whose block lists `members`. */
export function outcomeOf(task: RetrievalTask, attested: string, members: StationKey[]): RoundOutcome {
  const id = taskId(task)
  const membership: CommitteeMembership = { size: members.length, members: new Set(members.map((k) => k.stationId)) }
  return {
    round: ROUND,
    evaluation: { committees: [] } as unknown as RoundOutcome['evaluation'],
    summaryCid: attested,
    previous: null,
    committees: new Map([[id, attested]]),
    attested: new Map([[id, attested]]),
    sizes: new Map([[id, members.length]]),
    memberships: new Map([[id, membership]]),
    mine: [id],
  }
}

export function fakeCid(byte: number): string {
  return cidOfDagCbor(new Uint8Array([byte])).toString()
}
