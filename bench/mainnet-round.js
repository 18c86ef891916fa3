/*
 * A Spark round shaped like Spark's mainnet, as Spark published it (snake_case NDJSON lines), for
 * `bench/spark-compat.js`. Seeded: the same seed writes the same bytes.
 *
 * Shape (issue 14): ~250,000 measurements from ~17,500 stations, 3,300 tasks, K = 15 per station;
 * participant addresses in both forms, tens of thousands of distinct values (EIP-55 mixed-case
 * 0x…, lower-case 0x…, f410f… delegated); every result code of Spark's result-code table; ISO
 * timestamps with milliseconds inside the round; a few lines Spark drops (bad participant
 * address, a missing station id, an OK without `end_at`). Lines are in the order Spark's API
 * received them, by `finished_at`, stations interleaved (not one station's lines together).
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { base32 as base32Codec } from 'multiformats/bases/base32'
import { delegatedFromEthAddress, TaskSelector } from '../packages/protocol/dist/index.js'
import { toChecksumAddress } from '../packages/protocol/dist/spark-compat/index.js'
import { prng } from './prng.js'
import { writeLinesInOrder } from './write-lines.js'

export const MAINNET_SHAPE = Object.freeze({ stations: 17_500, tasks: 3_300, k: 15, participants: 30_000, providers: 1_500 })

const sha = (text) => createHash('sha256').update(text).digest()

/** Lower-case RFC 4648 base32 without padding: the alphabet of CIDv1 strings. */
const base32 = (bytes) => base32Codec.baseEncode(bytes)

/** Participants as stations report them: 55 % EIP-55 mixed case, 25 % lower case, 20 % f410f. */
function participantPool(n, seed) {
  // the easy round of bench/run.js: one address for every line
  if (n === 1) return ['0x000000000000000000000000000000000000dEaD']
  const rand = prng(seed)
  return Array.from({ length: n }, (_, i) => {
    const bytes = sha(`participant ${seed} ${i}`).subarray(0, 20)
    const hex40 = bytes.toString('hex')
    const form = rand()
    return form < 0.55 ? toChecksumAddress(`0x${hex40}`) : form < 0.8 ? `0x${hex40}` : delegatedFromEthAddress(`0x${hex40}`)
  })
}

/**
 * Spark's result codes with a mix like mainnet's (mostly OK, then IPNI misses, timeouts and
 * HTTP errors), each with the published fields that give it (spec §6.3).
 */
const OUTCOMES = [
  [0.52, 'OK', { status_code: 200 }],
  [0.1, 'IPNI_NO_VALID_ADVERTISEMENT', { indexer_result: 'NO_VALID_ADVERTISEMENT' }],
  [0.03, 'IPNI_ERROR_404', { indexer_result: 'ERROR_404' }],
  [0.02, 'IPNI_ERROR_FETCH', { indexer_result: 'ERROR_FETCH' }],
  [0.07, 'TIMEOUT', { timeout: true }],
  [0.06, 'HTTP_502', { status_code: 502 }],
  [0.04, 'HTTP_404', { status_code: 404 }],
  [0.02, 'HTTP_500', { status_code: 500 }],
  [0.01, 'HTTP_429', { status_code: 429 }],
  [0.01, 'LASSIE_504', { status_code: 504, protocol: 'graphsync' }],
  [0.04, 'CONNECTION_REFUSED', { status_code: 802 }],
  [0.01, 'HOSTNAME_DNS_ERROR', { status_code: 801 }],
  [0.02, 'UNSUPPORTED_MULTIADDR_FORMAT', { status_code: 703 }],
  [0.02, 'UNKNOWN_FETCH_ERROR', { status_code: 600 }],
  [0.01, 'CAR_TOO_LARGE', { car_too_large: true }],
  [0.005, 'CONTENT_VERIFICATION_FAILED', { status_code: 902 }],
  [0.005, 'UNEXPECTED_CAR_BLOCK', { status_code: 903 }],
  [0.005, 'CANNOT_PARSE_CAR_FILE', { status_code: 904 }],
  [0.002, 'UNSUPPORTED_CID_HASH_ALGO', { status_code: 901 }],
  [0.013, 'UNKNOWN_ERROR', { status_code: 200, end_at: null }],
]

function outcome(rand) {
  let x = rand()
  for (const o of OUTCOMES) {
    x -= o[0]
    if (x < 0) return o
  }
  return OUTCOMES[0]
}

const iso = (ms) => new Date(ms).toISOString()

/** Storage providers as a mainnet round names them: miner id, libp2p peer id, HTTP address. */
export function mainnetProviders(n) {
  return Array.from({ length: n }, (_, i) => ({
    minerId: `f0${1_000_000 + i * 131}`,
    providerId: `12D3KooW${sha(`provider ${i}`).toString('base64url').replace(/[-_]/g, 'x').slice(0, 44)}`,
    providerAddress: `/dns/sp${i}.example.net/tcp/443/https`,
  }))
}

/** A round's tasks: CIDv1 payloads, each stored by one of the providers. */
export function mainnetTasks(n, providers, seed, rand) {
  return Array.from({ length: n }, (_, i) => ({
    cid: `bafybei${base32(sha(`payload ${seed} ${i}`)).slice(0, 52)}`,
    minerId: providers[Math.floor(rand() * providers.length)].minerId,
  }))
}

/**
 * Writes `measurements.ndjson` and `round.json` (Spark's round: index, randomness, tasks,
 * maxTasksPerNode) into `dir`; returns their paths and the counts.
 */
export function writeMainnetRound(dir, { seed = 1, shape = MAINNET_SHAPE } = {}) {
  const rand = prng(seed)
  const providers = mainnetProviders(shape.providers)
  const tasks = mainnetTasks(shape.tasks, providers, seed, rand)
  const byMiner = new Map(providers.map((p) => [p.minerId, p]))
  const randomness = sha(`mainnet round randomness ${seed}`).toString('hex')
  const roundIndex = 18_000 + seed
  const roundFile = join(dir, 'round.json')
  writeFileSync(roundFile, JSON.stringify({ roundIndex: String(roundIndex), randomness, maxTasksPerNode: shape.k, tasks }))

  const participants = participantPool(shape.participants, seed)
  const selector = new TaskSelector(tasks, randomness)
  const roundStart = Date.UTC(2025, 2, 1, 12, 0, 0)
  const file = join(dir, 'measurements.ndjson')
  // [finished_at, line]: written in arrival order once all are made
  const made = []
  const used = new Set()
  for (let s = 0; s < shape.stations; s++) {
    const stationId = sha(`station ${seed} ${s}`).toString('hex') + sha(`station b ${seed} ${s}`).toString('hex').slice(0, 24)
    const inetGroup = sha(`inet group ${seed} ${Math.floor(s * 0.9)}`)
      .toString('base64url')
      .slice(0, 12)
    // most stations report for one participant; some move between a few (tens of thousands in all)
    const own = participants[Math.floor(rand() * participants.length)]
    for (const task of selector.pick(stationId, shape.k)) {
      const p = byMiner.get(task.minerId)
      const [, code, fields] = outcome(rand)
      const startAt = roundStart + Math.floor(rand() * 19 * 60_000)
      const ttfb = 30 + Math.floor(rand() * 3_000)
      const endAt = startAt + ttfb + Math.floor(rand() * 20_000)
      const ipniMiss = code.startsWith('IPNI_')
      const line = {
        participant_address: rand() < 0.8 ? own : participants[Math.floor(rand() * participants.length)],
        station_id: stationId,
        inet_group: inetGroup,
        finished_at: iso(endAt + 3),
        cid: task.cid,
        miner_id: task.minerId,
        provider_id: ipniMiss ? null : p.providerId,
        provider_address: ipniMiss ? null : p.providerAddress,
        protocol: ipniMiss ? null : 'http',
        indexer_result: 'OK',
        status_code: ipniMiss ? null : 200,
        head_status_code: ipniMiss ? null : 200,
        timeout: false,
        car_too_large: false,
        byte_length: code === 'OK' ? 200_000 + Math.floor(rand() * 10_000_000) : null,
        car_checksum: code === 'OK' ? `1220${sha(task.cid).toString('hex')}` : null,
        start_at: ipniMiss ? null : iso(startAt),
        first_byte_at: ipniMiss ? null : iso(startAt + ttfb),
        end_at: ipniMiss ? null : iso(endAt),
        spark_version: rand() < 0.9 ? '1.15.0' : '1.14.2',
        ...fields,
      }
      if (line.protocol === 'graphsync') line.head_status_code = null
      // what Spark drops: a bad delegated address, no station id, an OK without end_at
      const broken = rand()
      if (broken < 0.001) line.participant_address = 'f410fnotavaliddelegatedaddress'
      else if (broken < 0.0015) line.station_id = undefined
      else if (broken < 0.002 && code === 'OK') line.first_byte_at = null
      used.add(line.participant_address)
      made.push([endAt + 3, JSON.stringify(line)])
    }
  }
  const { lines, bytes } = writeLinesInOrder(file, made)
  return { file, roundFile, lines, bytes, participants: used.size }
}
