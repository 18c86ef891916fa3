import {
  buildRoundSummary,
  type Catalogue,
  type CatalogueEntry,
  catalogueCid,
  cidOfDagCbor,
  deriveRoundSeeds,
  devnet,
  evaluateRound,
  localBeaconRandomness,
  type Measurement,
  measurementRecord,
  type Rate,
  retrievalResultOf,
  sampleRoundTasks,
  sha256,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
  toHex,
  utf8,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { VERSION } from '../program.js'

/** How each demo provider behaves: the "truth" the committees should find. */
const PROVIDERS = [
  { minerId: 'f01000', behaviour: 'healthy', successShare: 1 },
  { minerId: 'f02000', behaviour: 'flaky', successShare: 0.6 },
  { minerId: 'f03000', behaviour: 'broken (HTTP 502)', successShare: 0 },
] as const

function demoCatalogue(): Catalogue {
  const entries: CatalogueEntry[] = []
  for (let i = 0; i < 12; i++) {
    const provider = PROVIDERS[i % PROVIDERS.length] as (typeof PROVIDERS)[number]
    entries.push({ cid: cidOfDagCbor(utf8(`demo content ${i}`)).toString(), minerId: provider.minerId })
  }
  return { entries }
}

/** A deterministic pseudo-random share in [0, 1) for one check, so every run prints the same. */
function coin(...parts: Array<string | number>): number {
  const h = sha256(parts.join('\n'))
  return (((h[0] as number) << 8) | (h[1] as number)) / 65536
}

const pct = (r: Rate): string =>
  r.rate === null
    ? 'n/a'.padEnd(24)
    : `${(r.rate * 100).toFixed(1)}% (${Number(r.successes.toFixed(2))}/${r.total}) [${((r.interval?.lower ?? 0) * 100).toFixed(0)}–${((r.interval?.upper ?? 0) * 100).toFixed(0)}]`.padEnd(
        24,
      )

/**
 * The main job on embedded defaults while the swarm is being built: a few devnet rounds where
 * every station signs what it checked, then the same evaluation every node will run locally.
 */
export async function runDemo({ rounds, stations, write }: { rounds: number; stations: number; write: (line: string) => void }) {
  const params = devnet
  const catalogue = demoCatalogue()
  const catalogueId = await catalogueCid(catalogue)
  const keys = Array.from({ length: stations }, (_, i) => stationKeyFromSeed(sha256(`spark-swarm demo station ${i}`)))
  write(`Spark Swarm ${VERSION} demo: ${rounds} devnet rounds evaluated offline`)
  write(
    `${stations} stations, ${catalogue.entries.length} catalogue entries (${catalogueId}), K=${params.maxTasksPerNode}, min committee ${params.minCommitteeSize}`,
  )
  write(`providers: ${PROVIDERS.map((p) => `${p.minerId} ${p.behaviour}`).join(', ')}`)
  let previous: CID | null = null
  for (let round = 1; round <= rounds; round++) {
    const randomness = localBeaconRandomness(params.randomness.type === 'local' ? params.randomness.genesisSeed : '', round)
    const seeds = deriveRoundSeeds(round, randomness)
    const tasks = sampleRoundTasks(catalogue, seeds, params.tasksPerRound)
    const selector = new TaskSelector(tasks, seeds.nodeSelection)
    const records = keys.flatMap((key, i) =>
      selector.pick(key.stationId, params.maxTasksPerNode).map((task) => {
        const provider = PROVIDERS.find((p) => p.minerId === task.minerId) ?? PROVIDERS[0]
        const ok = coin(round, key.stationId, task.cid) < provider.successShare
        const start = params.genesisTime + round * params.roundDurationMs + 1000
        const fields = {
          protocolVersion: params.protocolVersion,
          network: params.network,
          round,
          task,
          stationId: key.stationId,
          inetGroup: `10.0.${i}.0/24`,
          checkerVersion: VERSION,
          indexerResult: 'OK',
          protocol: 'http',
          providerId: `12D3KooDemo${task.minerId}`,
          providerAddress: '/ip4/127.0.0.1/tcp/8080/http',
          statusCode: ok ? 200 : provider.successShare === 0 ? 502 : null,
          headStatusCode: ok ? 200 : null,
          timeout: !ok && provider.successShare > 0,
          carTooLarge: false,
          byteLength: ok ? 1024 : null,
          carChecksum: ok ? `1220${toHex(sha256(task.cid))}` : null,
          startAt: start,
          firstByteAt: ok ? start + 40 : null,
          endAt: start + (ok ? 90 : 60_000),
          retrievalResult: '',
        } satisfies Measurement
        fields.retrievalResult = retrievalResultOf(fields)
        return measurementRecord(signMeasurement(fields, key))
      }),
    )
    const evaluation = evaluateRound({ params, round, seeds, tasks }, records)
    const built = buildRoundSummary(evaluation, { params, seeds, catalogueCid: catalogueId, previous })
    write('')
    write(`round ${round}  randomness ${randomness.slice(0, 16)}…  ${tasks.length} tasks  ${records.length} signed measurements`)
    write(`  ${'task'.padEnd(16)} ${'provider'.padEnd(8)} size  ${'majority'.padEnd(20)} members`)
    for (const c of evaluation.committees) {
      const counts = Object.entries(c.counts)
        .map(([code, n]) => `${code}×${n}`)
        .join(' ')
      write(
        `  …${c.task.cid.slice(-14)} ${c.task.minerId.padEnd(8)} ${String(c.size).padStart(4)}  ${c.retrievalResult.padEnd(20)} ${counts}`,
      )
    }
    write(`  ${'provider'.padEnd(8)} ${'per-request RSR'.padEnd(24)} ${'committee RSR'.padEnd(24)} committee-fraction RSR`)
    for (const [minerId, s] of Object.entries(evaluation.providers)) {
      write(`  ${minerId.padEnd(8)} ${pct(s.perRequest)} ${pct(s.committee)} ${pct(s.committeeFraction)}`)
    }
    write(`  summary ${built.root.cid}${previous ? ` (previous ${previous})` : ''}`)
    previous = built.root.cid
  }
}
