import {
  type AdmissionParams,
  devnet,
  eligibilityHeight,
  FILECOIN_ADMISSION,
  type Measurement,
  type ProtocolParams,
  participantOfPrivateKey,
  type RetrievalTask,
  type RoundContext,
  roundStartTime,
  type SignedMeasurement,
  type StationKey,
  sha256,
  signBinding,
  signMeasurement,
  TaskSelector,
} from '../src/index.js'
import { okMeasurement, testRound } from './helpers.js'

/** A participant's secp256k1 key and its address. */
export interface TestParticipant {
  privateKey: Uint8Array
  address: string
}

/** A participant whose key is SHA-256 of `label` (any 32 bytes below the curve order are a key). */
export function participantFromLabel(label: string): TestParticipant {
  const privateKey = sha256(label)
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}

export function testParticipant(i: number): TestParticipant {
  return participantFromLabel(`test participant ${i}`)
}

/** Filecoin's admission with a 1 FIL deposit: devnet's chain is mainnet's clock. */
export const TEST_ADMISSION: AdmissionParams = { ...FILECOIN_ADMISSION, minDepositAttoFil: '1000000000000000000' }

/** Version-2 devnet params. */
export function v2Params(overrides: Partial<ProtocolParams> = {}): ProtocolParams {
  return { ...devnet, protocolVersion: 2, admission: TEST_ADMISSION, ...overrides }
}

/** A version-2 round whose snapshot, at the round's own height, holds `eligible`. */
export function v2Round(params: ProtocolParams, tasks: RetrievalTask[], eligible: readonly TestParticipant[], round = 7): RoundContext {
  const ctx = testRound(params, tasks, round)
  const height = eligibilityHeight(params.admission as AdmissionParams, roundStartTime(params, round))
  return { ...ctx, admission: { height, eligible: new Set(eligible.map((p) => p.address)) } }
}

const bindings = new Map<string, Uint8Array>()

/** The participant's binding of the station from `fromRound` on (cached: signing costs a millisecond). */
export function bindingOf(network: string, who: TestParticipant, stationId: string, fromRound: number, signer = who): Uint8Array {
  const key = [network, who.address, stationId, fromRound, signer.address].join(' ')
  let sig = bindings.get(key)
  if (!sig) {
    sig = signBinding({ network, participant: who.address, stationId, fromRound }, signer.privateKey)
    bindings.set(key, sig)
  }
  return sig
}

/** An OK measurement of `task` by `station` for `who`, bound from round 0; fields overridable. */
export function boundMeasurement(
  ctx: RoundContext,
  station: StationKey,
  who: TestParticipant,
  task: RetrievalTask,
  overrides: Partial<Measurement> = {},
): Measurement {
  const fromRound = overrides.bindingFromRound ?? 0
  return okMeasurement(ctx, station, task, {
    participant: who.address,
    bindingFromRound: fromRound,
    bindingSignature: bindingOf(ctx.params.network, who, station.stationId, fromRound),
    ...overrides,
  })
}

/** The K tasks of the round assigned to the participant (spec §13.5: tasks follow the participant). */
export function tasksOf(ctx: RoundContext, who: TestParticipant): RetrievalTask[] {
  return new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection).pick(who.address, ctx.params.maxTasksPerNode)
}

/** Signed measurements by `station` of every task assigned to `who`. */
export function assignedBound(
  ctx: RoundContext,
  station: StationKey,
  who: TestParticipant,
  overrides: (task: RetrievalTask) => Partial<Measurement> = () => ({}),
): SignedMeasurement[] {
  return tasksOf(ctx, who).map((task) => signMeasurement(boundMeasurement(ctx, station, who, task, overrides(task)), station))
}
