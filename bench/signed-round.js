/*
 * A round of Spark Swarm's own signed measurements (their JSON form, one per line), shaped like
 * Spark's mainnet as bench/mainnet-round.js is: ~250,000 measurements from ~17,500 stations over
 * 3,300 tasks, K = 15, every result code the checker reports, realistic times, and the noise a
 * file from the wild has: 0.5 % forged signatures, 0.05 % malformed lines, 1 % of stations with a
 * task that is not theirs, 8 % of stations sharing inet groups. Every line is signed with the
 * station's real Ed25519 key. Lines come in no order of station, as a node exports a round (by
 * measurement CID). Seeded: the same seed writes the same bytes.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  deriveRoundSeeds,
  mainnet,
  measurementToJson,
  retrievalResultOf,
  roundStartTime,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
} from '../packages/protocol/dist/index.js'
import { mainnetProviders, mainnetTasks } from './mainnet-round.js'
import { prng } from './prng.js'
import { writeLinesInOrder } from './write-lines.js'

const sha = (text) => createHash('sha256').update(text).digest()

/** What a check found, as the checker reports it: the fields retrievalResultOf reads. */
const OUTCOMES = [
  [0.55, { statusCode: 200 }],
  [0.1, { indexerResult: 'NO_VALID_ADVERTISEMENT' }],
  [0.03, { indexerResult: 'ERROR_404' }],
  [0.07, { timeout: true }],
  [0.06, { statusCode: 502 }],
  [0.04, { statusCode: 404 }],
  [0.02, { statusCode: 500 }],
  [0.04, { statusCode: 802 }],
  [0.01, { statusCode: 801 }],
  [0.02, { statusCode: 703 }],
  [0.02, { statusCode: 600 }],
  [0.01, { carTooLarge: true }],
  [0.01, { statusCode: 902 }],
  [0.01, { statusCode: 904 }],
  [0.01, { statusCode: 200, endAt: null }],
]

function outcome(rand) {
  let x = rand()
  for (const [p, fields] of OUTCOMES) {
    x -= p
    if (x < 0) return fields
  }
  return OUTCOMES[0][1]
}

/**
 * Writes `measurements.ndjson` and `round.json` (our round file: preset, round, randomness,
 * tasks) into `dir`; returns their paths and the counts.
 */
export function writeSignedRound(dir, { seed = 1, shape }) {
  const rand = prng(seed)
  const params = mainnet
  const round = 1_000 + seed
  const randomness = sha(`signed round randomness ${seed}`).toString('hex')
  const seeds = deriveRoundSeeds(round, randomness)
  const providers = mainnetProviders(shape.providers)
  const tasks = mainnetTasks(shape.tasks, providers, seed, rand)
  const byMiner = new Map(providers.map((p) => [p.minerId, p]))
  const roundFile = join(dir, 'round.json')
  writeFileSync(roundFile, JSON.stringify({ preset: 'mainnet', round, randomness, tasks }))

  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  const start = roundStartTime(params, round)
  const file = join(dir, 'measurements.ndjson')
  // [order key, line]: a node's store keeps a round by measurement CID, so its lines come out in
  // an order unrelated to their stations (not one station's lines together); a key of a PRNG of
  // its own stands in for the CID
  const order = prng(seed ^ 0x5eed)
  const made = []
  let forged = 0
  for (let s = 0; s < shape.stations; s++) {
    const key = stationKeyFromSeed(sha(`signed round station ${seed} ${s}`))
    // 92 % of stations in a /24 of their own, the rest four to a group
    const g = s % 25 < 23 ? s : shape.stations + Math.floor((Math.floor(s / 25) * 2 + (s % 25) - 23) / 4)
    const inetGroup = `${11 + (g >> 16)}.${(g >> 8) & 255}.${g & 255}.0/24`
    const picked = selector.pick(key.stationId, shape.k)
    if (rand() < 0.01) picked[0] = tasks[Math.floor(rand() * tasks.length)]
    for (const task of picked) {
      const p = byMiner.get(task.minerId)
      const o = outcome(rand)
      const ipniMiss = o.indexerResult !== undefined
      const startAt = start + Math.floor(rand() * 17 * 60_000)
      const ttfb = 30 + Math.floor(rand() * 3_000)
      const m = {
        protocolVersion: params.protocolVersion,
        network: params.network,
        round,
        task: { cid: task.cid, minerId: task.minerId },
        stationId: key.stationId,
        inetGroup,
        checkerVersion: rand() < 0.9 ? '0.2.0' : '0.1.0',
        indexerResult: 'OK',
        protocol: ipniMiss ? null : 'http',
        providerId: ipniMiss ? null : p.providerId,
        providerAddress: ipniMiss ? null : p.providerAddress,
        statusCode: ipniMiss ? null : 200,
        headStatusCode: ipniMiss ? null : 200,
        timeout: false,
        carTooLarge: false,
        byteLength: null,
        carChecksum: null,
        startAt: ipniMiss ? null : startAt,
        firstByteAt: ipniMiss ? null : startAt + ttfb,
        endAt: ipniMiss ? null : startAt + ttfb + Math.floor(rand() * 20_000),
        retrievalResult: '',
        ...o,
      }
      if (m.timeout) m.endAt = null
      m.retrievalResult = retrievalResultOf(m)
      if (m.retrievalResult === 'OK') {
        m.byteLength = 200_000 + Math.floor(rand() * 10_000_000)
        m.carChecksum = `1220${sha(task.cid).toString('hex')}`
      }
      const json = measurementToJson(signMeasurement(m, key))
      const noise = rand()
      if (noise < 0.005) {
        // forged: a field changed after signing
        json.byteLength = (json.byteLength ?? 0) + 1
        forged++
      }
      made.push([order(), noise > 0.9995 ? `{"round": ${round}, "truncated` : JSON.stringify(json)])
    }
  }
  const { lines, bytes } = writeLinesInOrder(file, made)
  return { file, roundFile, lines, bytes, forged }
}
