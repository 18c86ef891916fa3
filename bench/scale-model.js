/*
 * What one checker node receives, validates, sends and spends per round, as the network grows
 * (issue 14, target 4; bench/README.md section 9). A model, not a run: message counts follow from
 * the protocol's rules (spec §1.4, §12.1), sizes from real encodings, CPU from micro-benches of
 * the node's own validators. bench/swarm-procs.js checks its message counts against 30 real node
 * processes.
 *
 * `node bench/scale-model.js` prints the table for 1k, 10k and 100k stations under the fixed
 * 16 shards and under the rule of spec §1.4, and a chart. SCALE_DUPLICATES overrides the duplicate
 * copies per validated message (default below).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { attestationTopic, measurementTopic, validateAttestationMessage, validateMeasurementMessage } from '../packages/node/dist/index.js'
import {
  cidOfDagCbor,
  committeeShard,
  committeeShardsFor,
  deriveRoundSeeds,
  encodeAttestation,
  encodeSignedMeasurement,
  localBeaconRandomness,
  mainnet,
  retrievalResultOf,
  roundStartTime,
  signAttestation,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
  tasksPerRoundFor,
} from '../packages/protocol/dist/index.js'
import { printTable } from './table.js'

/** gossipsub as the node runs it: library defaults in production, the node's loopback settings on a devnet. */
export const GOSSIP = {
  production: { D: 6, Dlazy: 6, historyGossip: 3 },
  loopback: { D: 4, Dlazy: 4, historyGossip: 3 },
}

/**
 * Copies of a message a node receives beyond the first, per mesh peer beyond the one that
 * delivered it. More than one: the publisher sends its copy to every connected follower of the
 * topic (gossipsub's flood publish), meshes hold up to Dhi peers, and IDONTWANT (gossipsub v1.2,
 * messages of 512 bytes or more) often comes too late on a fast network. Measured on loopback by
 * bench/swarm-procs.js (which prints it beside these), 12 and 30 processes: 1.4 for measurements,
 * 1.6–1.9 for attestations.
 */
export const DUPLICATES_PER_EXTRA_MESH_PEER = {
  measurement: Number(process.env.SCALE_DUPLICATES ?? 1.4),
  attestation: Number(process.env.SCALE_DUPLICATES ?? 1.8),
}

/** Bytes around each message on the wire: protobuf fields and topic, yamux header, noise tag and length. */
const FRAMING = (topic) => topic.length + 8 + 12 + 18
/** An IHAVE entry: the message id (topic, 0x00, 36-byte CID) and its protobuf length prefix. */
const IHAVE_ENTRY = (topic) => topic.length + 1 + 36 + 2

/** The network's params for `stations`: tasks grow with stations (spec §1.4); shards fixed at 16 or by the rule. */
export function sizeNetwork(stations, rule, K = mainnet.maxTasksPerNode) {
  const tasksPerRound = tasksPerRoundFor(stations, K)
  const committeeShards = rule === 'fixed' ? 16 : committeeShardsFor(tasksPerRound)
  return { rule, stations, K, tasksPerRound, committeeShards }
}

/** Expected distinct shards among `picks` tasks, each on a uniform shard of `C`. */
export const distinctShards = (C, picks) => C * (1 - (1 - 1 / C) ** picks)

/**
 * One node's expected round (spec §12.1): the measurements of the committees on the shards it
 * follows for measurements (its K tasks of this round and the last), and the attestations of the
 * committees on the shards it follows for attestations (its K tasks of three rounds, while a
 * round's attestations arrive in the next). Costs in seconds per message; sizes in bytes.
 */
export function nodeRound(net, { gossip, sizes, costs, duplicates = DUPLICATES_PER_EXTRA_MESH_PEER }) {
  const { stations: N, K, tasksPerRound: T, committeeShards: C } = net
  const own = Math.min(K, T)
  const committeeSize = (N * own) / T
  // own K tasks, plus each other task whose shard is among the (up to) 2K or 3K the node follows
  const heard = (picks) => Math.min(T, own + (T - own) * (distinctShards(C, picks) / C))
  const committeesHeard = heard(2 * own)
  const attestedCommitteesHeard = heard(3 * own)
  const kinds = {
    measurement: { validated: committeeSize * committeesHeard - own, ...sizes.measurement, cost: costs.measurement },
    attestation: { validated: committeeSize * attestedCommitteesHeard - own, ...sizes.attestation, cost: costs.attestation },
  }
  const extraMeshPeers = Math.max(0, Math.min(gossip.D, N - 1) - 1)
  let bytesIn = 0
  let cpu = 0
  let received = 0
  let validated = 0
  for (const [name, k] of Object.entries(kinds)) {
    k.received = k.validated * (1 + duplicates[name] * extraMeshPeers)
    // each message id is advertised for historyGossip heartbeats to Dlazy peers outside the mesh, by every node on the topic
    const gossipPeers = Math.max(0, Math.min(gossip.Dlazy, N - 1 - gossip.D))
    k.ihave = k.validated * gossip.historyGossip * gossipPeers
    k.bytesIn = k.received * (k.bytes + k.framing) + k.ihave * k.ihaveEntry
    k.cpu = k.validated * k.cost.validate + k.received * k.cost.copy
    bytesIn += k.bytesIn
    cpu += k.cpu
    received += k.received
    validated += k.validated
  }
  // every byte one node sends another receives: on average a node sends what it receives
  return { ...net, committeeSize, committeesHeard, attestedCommitteesHeard, kinds, received, validated, bytesIn, bytesOut: bytesIn, cpu }
}

// ---------------------------------------------------------------------------------------------
// sizes and costs from the real code

const REPEAT = 2_000

/** Signed mainnet-shaped messages (an OK measurement, its member's attestation) and contexts that accept them. */
function sampleMessages(params = mainnet) {
  const round = 1_000
  const seeds = deriveRoundSeeds(round, localBeaconRandomness('11'.repeat(32), round))
  const tasks = Array.from({ length: 1_000 }, (_, i) => ({
    cid: `bafybei${createHash('sha256').update(`payload ${i}`).digest('hex').slice(0, 52)}`,
    minerId: `f0${1_000_000 + (i % 150) * 7919}`,
  }))
  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  const info = { seeds, tasks, selector }
  const start = roundStartTime(params, round)
  const C = committeeShardsFor(tasks.length)
  const p = { ...params, committeeShards: C }
  const measurements = []
  const attestations = []
  for (let i = 0; i < REPEAT; i++) {
    const key = stationKeyFromSeed(createHash('sha256').update(`scale station ${i}`).digest())
    const task = selector.pick(key.stationId, p.maxTasksPerNode)[0]
    const m = {
      protocolVersion: p.protocolVersion,
      network: p.network,
      round,
      task,
      stationId: key.stationId,
      inetGroup: `11.${i >> 8}.${i & 255}.0/24`,
      checkerVersion: '1.0.0',
      indexerResult: 'OK',
      protocol: 'http',
      providerId: `12D3KooW${'x'.repeat(44)}`,
      providerAddress: '/dns/sp1.storage.example.net/tcp/443/https',
      statusCode: 200,
      headStatusCode: 200,
      timeout: false,
      carTooLarge: false,
      byteLength: 1_234_567,
      carChecksum: `1220${'ab'.repeat(32)}`,
      startAt: start + 60_000 + i,
      firstByteAt: start + 60_400 + i,
      endAt: start + 63_000 + i,
      retrievalResult: '',
    }
    m.retrievalResult = retrievalResultOf(m)
    measurements.push({ bytes: encodeSignedMeasurement(signMeasurement(m, key)), task })
    const committee = cidOfDagCbor(new TextEncoder().encode(`committee ${i}`))
    const a = signAttestation(
      { protocolVersion: p.protocolVersion, network: p.network, round, task, stationId: key.stationId, committee },
      key,
    )
    attestations.push(encodeAttestation(a))
  }
  const ctx = (now, currentRound) => ({ params: p, now: () => now, currentRound, roundInfo: (r) => (r === round ? info : undefined) })
  return {
    p,
    seeds,
    measurements,
    attestations,
    duringRound: ctx(start + 100_000, round),
    afterRound: ctx(roundStartTime(p, round + 1) + 1_000, round + 1),
  }
}

const perCall = (fn, n) => {
  for (let i = 0; i < Math.min(n, 200); i++) fn(i) // warm-up
  const t = performance.now()
  for (let i = 0; i < n; i++) fn(i)
  return (performance.now() - t) / 1000 / n
}

/** Sizes of the messages and the CPU of validating one, and of receiving one copy (a 1 KB frame). */
export async function measureCosts() {
  const s = sampleMessages()
  const topicOf = ({ task }) => measurementTopic(s.p, committeeShard(task, s.seeds.nodeSelection, s.p.committeeShards))
  const mTopic = topicOf(s.measurements[0])
  const aTopic = attestationTopic(s.p, committeeShard(s.measurements[0].task, s.seeds.nodeSelection, s.p.committeeShards))
  const validateM = perCall((i) => validateMeasurementMessage(s.measurements[i].bytes, topicOf(s.measurements[i]), s.duringRound), REPEAT)
  const attestationTopicOf = ({ task }) => attestationTopic(s.p, committeeShard(task, s.seeds.nodeSelection, s.p.committeeShards))
  const validateA = perCall(
    (i) => validateAttestationMessage(s.attestations[i], attestationTopicOf(s.measurements[i]), s.afterRound),
    REPEAT,
  )
  // a copy is decrypted (noise: ChaCha20-Poly1305) and hashed for its message id before the seen-cache drops it
  const key = randomBytes(32)
  const nonce = Buffer.alloc(12)
  const frame = randomBytes(1_024)
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
  const sealed = Buffer.concat([cipher.update(frame), cipher.final()])
  const tag = cipher.getAuthTag()
  const copy = perCall(() => {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    d.setAuthTag(tag)
    d.update(sealed)
    d.final()
    createHash('sha256').update(frame).digest()
  }, 20_000)
  const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length
  return {
    sizes: {
      measurement: { bytes: mean(s.measurements.map((m) => m.bytes.length)), framing: FRAMING(mTopic), ihaveEntry: IHAVE_ENTRY(mTopic) },
      attestation: { bytes: mean(s.attestations.map((a) => a.length)), framing: FRAMING(aTopic), ihaveEntry: IHAVE_ENTRY(aTopic) },
    },
    costs: {
      measurement: { validate: validateM, copy },
      attestation: { validate: validateA, copy },
    },
  }
}

// ---------------------------------------------------------------------------------------------
// the table and the chart

const int = (n) => Math.round(n).toLocaleString('en-US')
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`

/** Prints the model for 1k, 10k and 100k stations, fixed shards beside the rule; returns the rows. */
export async function printScaleModel(stationCounts = [1_000, 10_000, 100_000]) {
  const measured = await measureCosts()
  const rows = []
  for (const rule of ['fixed', 'scaled']) {
    for (const N of stationCounts) rows.push(nodeRound(sizeNetwork(N, rule), { gossip: GOSSIP.production, ...measured }))
  }
  const ruleName = (r) => (r.rule === 'fixed' ? 'C = 16' : 'C = T (§1.4)')
  printTable(
    'Per node per round, model (spec §1.4 sizing; gossipsub D = 6, Dlazy = 6)',
    [
      'rule',
      'stations',
      'T',
      'C',
      'committees heard',
      'meas. received',
      'meas. validated',
      'meas. bytes in/out',
      'meas. CPU-s',
      'att. validated',
      'att. bytes in/out',
      'att. CPU-s',
      'total CPU-s',
    ],
    rows.map((r) => [
      ruleName(r),
      int(r.stations),
      int(r.tasksPerRound),
      int(r.committeeShards),
      int(r.committeesHeard),
      int(r.kinds.measurement.received),
      int(r.kinds.measurement.validated),
      mb(r.kinds.measurement.bytesIn),
      r.kinds.measurement.cpu.toFixed(2),
      int(r.kinds.attestation.validated),
      mb(r.kinds.attestation.bytesIn),
      r.kinds.attestation.cpu.toFixed(2),
      r.cpu.toFixed(2),
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  )
  const m = measured
  console.log(
    `sizes: measurement ${int(m.sizes.measurement.bytes)} B, attestation ${int(m.sizes.attestation.bytes)} B; ` +
      `validate: measurement ${(m.costs.measurement.validate * 1e6).toFixed(0)} µs, attestation ${(m.costs.attestation.validate * 1e6).toFixed(0)} µs; ` +
      `a received copy ${(m.costs.measurement.copy * 1e6).toFixed(1)} µs; duplicates per extra mesh peer: measurement ${DUPLICATES_PER_EXTRA_MESH_PEER.measurement}, attestation ${DUPLICATES_PER_EXTRA_MESH_PEER.attestation}`,
  )
  printChart(rows)
  // flat: from the smallest network to the largest, a node's load grows by less than 2× (the target of issue 14)
  const growth = (rule, of) => {
    const r = rows.filter((x) => x.rule === rule)
    return of(r[r.length - 1]) / of(r[0])
  }
  const flat = (g) => (g < 2 ? 'PASS' : 'FAIL')
  const span = `${int(stationCounts[0])} → ${int(stationCounts[stationCounts.length - 1])} stations`
  const checks = [
    ['measurements validated', (r) => r.kinds.measurement.validated],
    ['measurement bytes in', (r) => r.kinds.measurement.bytesIn],
    ['measurement CPU-s', (r) => r.kinds.measurement.cpu],
    ['attestations validated', (r) => r.kinds.attestation.validated],
    ['attestation bytes in', (r) => r.kinds.attestation.bytesIn],
    ['all gossip bytes in (with attestations)', (r) => r.bytesIn],
    ['all gossip CPU-s (with attestations)', (r) => r.cpu],
  ]
  printTable(
    `Is a node's load flat? Growth over ${span}`,
    ['per node per round', 'C = 16', 'C = T (§1.4)', 'target', 'verdict (C = T)'],
    checks.map(([name, of]) => [
      name,
      `×${growth('fixed', of).toFixed(1)}`,
      `×${growth('scaled', of).toFixed(1)}`,
      '< ×2',
      flat(growth('scaled', of)),
    ]),
    ['l', 'r', 'r', 'r', 'l'],
  )
  return rows
}

/** Measurements validated per node per round, log-scaled bars: flat under the rule, growing with N at C = 16. */
function printChart(rows) {
  const width = 50
  const max = Math.log10(Math.max(...rows.map((r) => r.kinds.measurement.validated)))
  console.log('\nmeasurements validated per node per round (log scale)')
  for (const r of rows) {
    const v = r.kinds.measurement.validated
    const bar = '#'.repeat(Math.max(1, Math.round((Math.log10(v) / max) * width)))
    const label = `${r.rule === 'fixed' ? 'C = 16' : 'C = T '} ${int(r.stations).padStart(7)}`
    console.log(`${label} | ${bar} ${int(v)}`)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await printScaleModel()
