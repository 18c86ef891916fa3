import * as dagCbor from '@ipld/dag-cbor'
import {
  type Attestation,
  buildRoundSummary,
  type Catalogue,
  cidOfDagCbor,
  deriveRoundSeeds,
  devnet,
  encodeCatalogue,
  encodeSignedMeasurement,
  evaluateRound,
  localBeaconRandomness,
  type Measurement,
  type ProtocolParams,
  type RetrievalTask,
  type RoundSeeds,
  retrievalResultOf,
  roundStartTime,
  type SignedMeasurement,
  type StationKey,
  sampleRoundTasks,
  sha256,
  signAttestation,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'

/**
 * One small, valid round that the fuzz targets mutate: params, catalogue, signed measurements of
 * the stations' assigned tasks, the committee results anchored as a summary with all its blocks,
 * and an attestation. Built once per process (signing is the slow part), deterministic.
 */
export interface RoundFixture {
  params: ProtocolParams
  catalogue: Catalogue
  round: number
  seeds: RoundSeeds
  tasks: RetrievalTask[]
  stations: StationKey[]
  measurements: SignedMeasurement[]
  /** Canonical encodings of `measurements`, in the same order. */
  measurementBytes: Uint8Array[]
  attestation: Attestation
  summary: { root: CID; blocks: Map<string, Uint8Array> }
}

export const FUZZ_ROUND = 5

export const fuzzParams: ProtocolParams = {
  ...devnet,
  network: 'fuzz',
  roundDurationMs: 60_000,
  gracePeriodMs: 10_000,
  tasksPerRound: 6,
  maxTasksPerNode: 3,
  minCommitteeSize: 1,
  committeeShards: 2,
}

const catalogue: Catalogue = {
  entries: Array.from({ length: 10 }, (_, i) => ({ cid: `bafyfuzztask${i}`, minerId: `f0${1000 + (i % 3)}` })),
}

/** A node's view of a round: its seeds, tasks and task selector (local beacon chain). */
export function roundView(params: ProtocolParams, round: number) {
  const seeds = deriveRoundSeeds(round, localBeaconRandomness((params.randomness as { genesisSeed: string }).genesisSeed, round))
  const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
  return { seeds, tasks, selector: new TaskSelector(tasks, seeds.nodeSelection) }
}

/** An OK http measurement of `task` by `key` in `round`; its retrievalResult is derived unless overridden. */
export function okMeasurement(
  params: ProtocolParams,
  round: number,
  key: StationKey,
  task: RetrievalTask,
  overrides: Partial<Measurement> = {},
): Measurement {
  const start = roundStartTime(params, round) + 100
  const m: Measurement = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task,
    stationId: key.stationId,
    inetGroup: `inet-${key.stationId.slice(-6)}`,
    checkerVersion: '0.1.0',
    indexerResult: 'OK',
    protocol: 'http',
    providerId: '12D3KooWC8gXxg9LoJ9h3hy3jzBkEAxamyHEQJKtRmAuBuvoMzpr',
    providerAddress: '/ip4/127.0.0.1/tcp/8080/http',
    statusCode: 200,
    headStatusCode: 200,
    timeout: false,
    carTooLarge: false,
    byteLength: 1024,
    carChecksum: `1220${'ab'.repeat(32)}`,
    startAt: start,
    firstByteAt: start + 20,
    endAt: start + 40,
    retrievalResult: '',
    ...overrides,
  }
  if (!('retrievalResult' in overrides)) m.retrievalResult = retrievalResultOf(m)
  return m
}

let built: RoundFixture | undefined

export function roundFixture(): RoundFixture {
  built ??= buildRoundFixture(fuzzParams, FUZZ_ROUND)
  return built
}

/**
 * The same kind of round under other params (their local beacon) and at another round number:
 * e.g. a devnet round long after genesis, which an offline verifier must re-check at the same cost.
 */
export function buildRoundFixture(params: ProtocolParams, round: number): RoundFixture {
  const { seeds, tasks, selector } = roundView(params, round)
  const stations = Array.from({ length: 4 }, (_, i) => stationKeyFromSeed(sha256(`fuzz station ${i}`)))
  const measurements = stations.flatMap((key) =>
    selector.pick(key.stationId, params.maxTasksPerNode).map((task) => signMeasurement(okMeasurement(params, round, key, task), key)),
  )
  const measurementBytes = measurements.map(encodeSignedMeasurement)
  const records = measurements.map((m, i) => ({ cid: cidOfDagCbor(measurementBytes[i] as Uint8Array).toString(), measurement: m }))
  const evaluation = evaluateRound({ params, round, seeds, tasks }, records, { signatures: 'verify' })
  const catalogueBytes = encodeCatalogue(catalogue)
  const catalogueCid = cidOfDagCbor(catalogueBytes)
  const summary = buildRoundSummary(evaluation, { params, seeds, catalogueCid, previous: null })
  const blocks = new Map<string, Uint8Array>()
  const add = (bytes: Uint8Array) => blocks.set(cidOfDagCbor(bytes).toString(), bytes)
  for (const b of summary.blocks) add(b.bytes)
  add(dagCbor.encode(params))
  add(catalogueBytes)
  for (const bytes of measurementBytes) add(bytes)

  // an attestation of the previous round's first committee by one of its members
  const previous = roundView(params, round - 1)
  const [key, task] = stations
    .map((k) => [k, previous.selector.pick(k.stationId, params.maxTasksPerNode)[0]] as const)
    .find(([, t]) => t !== undefined) as [StationKey, RetrievalTask]
  const attestation = signAttestation(
    {
      protocolVersion: params.protocolVersion,
      network: params.network,
      round: round - 1,
      task,
      stationId: key.stationId,
      committee: summary.root.cid,
    },
    key,
  )
  return {
    params,
    catalogue,
    round,
    seeds,
    tasks,
    stations,
    measurements,
    measurementBytes,
    attestation,
    summary: { root: summary.root.cid, blocks },
  }
}
