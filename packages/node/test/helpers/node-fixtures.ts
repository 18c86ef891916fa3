import {
  type Catalogue,
  devnet,
  type ProtocolParams,
  type RetrievalTask,
  type StationKey,
  sha256,
  stationKeyFromSeed,
} from '@spark-swarm/protocol'
import { okMeasurement } from '../../../fuzz/src/round-fixture.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../../src/node/events.js'
import { createRandomnessSource } from '../../src/node/round/randomness.js'
import { Rounds } from '../../src/node/round/rounds.js'
import type { MeasurementFields } from '../../src/retrieval/types.js'
import { type NodeStore, openNodeStore } from '../../src/store/index.js'

/*
 * Shared by the unit tests of the node's parts: a devnet-like network whose genesis is the test's
 * time zero, its catalogue, station keys, and the parts' cheap real dependencies (rounds, store).
 */

export const GENESIS = Date.UTC(2026, 0, 1)

export const params: ProtocolParams = {
  ...devnet,
  network: 'parts-test',
  genesisTime: GENESIS,
  roundDurationMs: 60_000,
  gracePeriodMs: 10_000,
  tasksPerRound: 12,
  maxTasksPerNode: 4,
  minCommitteeSize: 1,
  committeeShards: 2,
}

export const catalogue: Catalogue = {
  entries: Array.from({ length: 20 }, (_, i) => ({ cid: `bafypartstesttask${i}`, minerId: `f0${1000 + (i % 3)}` })),
}

export function station(i: number): StationKey {
  return stationKeyFromSeed(sha256(`parts test station ${i}`))
}

/** The rounds as station `key` derives them (local beacon chain). */
export function roundsOf(key: StationKey): Rounds {
  return new Rounds(params, catalogue, createRandomnessSource(params), key.stationId)
}

export function memoryStore(now: () => number = () => GENESIS): NodeStore {
  return openNodeStore({ path: ':memory:', now })
}

/** A successful retrieval's fields, as the checker reports them: those of the fuzz harness's OK measurement. */
export function okFields(round: number): MeasurementFields {
  // all but who measured what, when: the fields a retrieval check decides
  const {
    protocolVersion: _version,
    network: _network,
    round: _round,
    task: _task,
    stationId: _station,
    inetGroup: _group,
    checkerVersion: _checker,
    ...fields
  } = okMeasurement(params, round, station(0), { cid: 'bafy-ok', minerId: 'f01' })
  return fields
}

/** Every event of the given names the target emitted, in order. */
export function recordEvents(events: TypedEventTarget<CheckerNodeEvents>, names: Array<keyof CheckerNodeEvents & string>) {
  const seen: Array<{ type: string; detail: unknown }> = []
  for (const name of names) events.addEventListener(name, (e) => seen.push({ type: name, detail: (e as CustomEvent).detail }))
  return {
    seen,
    of: <K extends keyof CheckerNodeEvents & string>(name: K) =>
      seen.filter((e) => e.type === name).map((e) => e.detail as CheckerNodeEvents[K]['detail']),
  }
}

export type { RetrievalTask }
