import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import {
  deriveRoundSeeds,
  devnet,
  localBeaconRandomness,
  type Measurement,
  ProtocolError,
  type ProtocolParams,
  type RetrievalTask,
  type RoundContext,
  retrievalResultOf,
  type SignedMeasurement,
  type StationKey,
  sha256,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
} from '../src/index.js'

/** A deterministic station key for test number `i`. */
export function testStation(i: number): StationKey {
  return stationKeyFromSeed(sha256(`test station ${i}`))
}

/** Test params: devnet with small committees unless overridden. */
export function testParams(overrides: Partial<ProtocolParams> = {}): ProtocolParams {
  return { ...devnet, ...overrides }
}

export function testTasks(n: number, miners = ['f01000', 'f02000']): RetrievalTask[] {
  return Array.from({ length: n }, (_, i) => ({ cid: `bafytesttask${i}`, minerId: miners[i % miners.length] as string }))
}

export function testRound(params: ProtocolParams, tasks: RetrievalTask[], round = 7): RoundContext {
  const seeds = deriveRoundSeeds(round, localBeaconRandomness((params.randomness as { genesisSeed: string }).genesisSeed, round))
  return { params, round, seeds, tasks }
}

/** An OK http measurement of `task` by `key`, with fields overridable; retrievalResult is derived. */
export function okMeasurement(ctx: RoundContext, key: StationKey, task: RetrievalTask, overrides: Partial<Measurement> = {}): Measurement {
  const m: Measurement = {
    protocolVersion: ctx.params.protocolVersion,
    network: ctx.params.network,
    round: ctx.round,
    task,
    stationId: key.stationId,
    inetGroup: `inet-${key.stationId.slice(-8)}`,
    checkerVersion: '0.1.0',
    indexerResult: 'OK',
    protocol: 'http',
    providerId: 'provider-peer-id',
    providerAddress: '/ip4/127.0.0.1/tcp/8080/http',
    statusCode: 200,
    headStatusCode: 200,
    timeout: false,
    carTooLarge: false,
    byteLength: 1024,
    carChecksum: `1220${'ab'.repeat(32)}`,
    startAt: 1_000,
    firstByteAt: 1_050,
    endAt: 1_100,
    retrievalResult: '',
    ...overrides,
  }
  if (!('retrievalResult' in overrides)) m.retrievalResult = retrievalResultOf(m)
  return m
}

/** Signed measurements of every station for each task it was assigned. */
export function assignedMeasurements(
  ctx: RoundContext,
  stations: StationKey[],
  outcome: (key: StationKey, task: RetrievalTask, i: number) => Partial<Measurement> = () => ({}),
): SignedMeasurement[] {
  const selector = new TaskSelector(ctx.tasks, ctx.seeds.nodeSelection)
  return stations.flatMap((key, i) =>
    selector
      .pick(key.stationId, ctx.params.maxTasksPerNode)
      .map((task) => signMeasurement(okMeasurement(ctx, key, task, outcome(key, task, i)), key)),
  )
}

/** 'accepted', or the code of the ProtocolError `f` throws (anything else fails the test). */
export function errorCode(f: () => unknown): string {
  try {
    f()
    return 'accepted'
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    return (err as ProtocolError).code
  }
}

/** A copy of the object without the field `name`. */
export const withoutField = (value: object, name: string) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== name))

/**
 * The canonical key order the spec gives in its section `from` (up to `to`), read from the spec
 * itself so that the code and the spec cannot drift apart.
 */
export function specKeyOrder(from: string, to: string): string[] {
  const spec = readFileSync(new URL('../../../spec/protocol.md', import.meta.url), 'utf8')
  const section = spec.slice(spec.indexOf(from), spec.indexOf(to))
  const list = /Canonical key order of the signed map[^:]*:\s*`([^`]+)`/.exec(section)?.[1]
  return (list ?? '').split(',').map((k) => k.trim())
}
