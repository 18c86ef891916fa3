// Regenerates v2.json, the known answers of a small protocol-version-2 round (spec/protocol.md §11.6).
// Run from the repository root after `npx tsc -b`: node test/vectors/protocol/make-v2.mjs
// Everything is deterministic (Ed25519 and RFC 6979 secp256k1 signatures), so a run that changes
// the file is a protocol change.
import { writeFileSync } from 'node:fs'
import * as dagCbor from '@ipld/dag-cbor'
import {
  attestationCid,
  attestationSigningDigest,
  buildRoundSummary,
  deriveRoundSeeds,
  devnet,
  eligibilityHeight,
  encodeAttestation,
  encodeMeasurement,
  encodeSignedMeasurement,
  encodeUnsignedAttestation,
  evaluateRound,
  localBeaconRandomness,
  measurementCid,
  measurementRecord,
  measurementSigningDigest,
  measurementToJson,
  paramsDigest,
  participantOfPrivateKey,
  retrievalResultOf,
  roundStartTime,
  sha256,
  signAttestation,
  signBinding,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
  taskId,
  toHex,
  validateParams,
} from '../../../packages/protocol/dist/index.js'

const params = validateParams({
  ...devnet,
  protocolVersion: 2,
  admission: {
    type: 'deposit',
    minDepositAttoFil: '1000000000000000000',
    chainGenesisTime: 1598306400000,
    epochDurationMs: 30000,
    finalityEpochs: 900,
    windowEpochs: 2880,
  },
})
const round = 1
const beacon = localBeaconRandomness(devnet.randomness.genesisSeed, round)
const seeds = deriveRoundSeeds(round, beacon)
const tasks = Array.from({ length: 6 }, (_, i) => ({ cid: `bafyv2task${i}`, minerId: i % 2 === 0 ? 'f01000' : 'f02000' }))
const height = eligibilityHeight(params.admission, roundStartTime(params, round))

const participant = (label) => {
  const privateKey = sha256(label)
  return { label, privateKey, address: participantOfPrivateKey(privateKey) }
}
const station = (label) => ({ label, ...stationKeyFromSeed(sha256(label)) })
const P = [1, 2, 3, 4, 5].map((i) => participant(`v2 participant ${i}`))
const outsider = participant('v2 outsider')
const S = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => station(`v2 station ${i}`))
const eligible = P.map((p) => p.address)

const selector = new TaskSelector(tasks, seeds.nodeSelection)
const tasksOf = (who) => selector.pick(who.address, params.maxTasksPerNode)
const failing = { statusCode: 502, headStatusCode: null, byteLength: null, carChecksum: null, firstByteAt: null }

const entries = []
/** One signed measurement of `task` by station `s` for participant `who`, its binding signed by `signer`. */
function measure(note, s, who, task, o = {}) {
  const { signer = who, fromRound = 0, tamper = false, ...fields } = o
  const bindingSignature = signBinding(
    { network: params.network, participant: who.address, stationId: s.stationId, fromRound },
    signer.privateKey,
  )
  const m = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task,
    stationId: s.stationId,
    participant: who.address,
    bindingFromRound: fromRound,
    bindingSignature,
    inetGroup: `198.51.100.${S.indexOf(s) + 1}/32`,
    checkerVersion: '0.1.0',
    indexerResult: 'OK',
    protocol: 'http',
    providerId: '12D3KooWExample',
    providerAddress: '/ip4/127.0.0.1/tcp/8080/http',
    statusCode: 200,
    headStatusCode: 200,
    timeout: false,
    carTooLarge: false,
    byteLength: 1024,
    carChecksum: `1220${'ab'.repeat(32)}`,
    startAt: 1000,
    firstByteAt: 1050,
    endAt: 1100,
    retrievalResult: '',
    ...fields,
  }
  m.retrievalResult = retrievalResultOf(m)
  let signed = signMeasurement(m, s)
  if (tamper) signed = { ...signed, signature: signed.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) }
  entries.push({ note, station: s.label, participant: who.label, bindingSigner: signer.label, tampered: tamper, signed })
}

const [p1, p2, p3, p4, p5] = P
// honest members: f02000 fails for participant 4 only
for (const t of tasksOf(p1)) measure('participant 1, first station', S[0], p1, t)
for (const t of tasksOf(p1)) measure('participant 1, second station: one per participant and task', S[1], p1, t)
for (const t of tasksOf(p2)) measure('participant 2', S[2], p2, t)
for (const t of tasksOf(p3)) measure("participant 3 claims station 1's inet group", S[3], p3, t, { inetGroup: '198.51.100.1/32' })
for (const t of tasksOf(p4)) measure('participant 4', S[4], p4, t, t.minerId === 'f02000' ? failing : {})
for (const t of tasksOf(p5)) measure('participant 5', S[5], p5, t)
// one of each other label
measure('station signature altered', S[4], p4, tasksOf(p4)[0], { tamper: true })
measure('checker version below the minimum', S[2], p2, tasksOf(p2)[0], { checkerVersion: '0.0.9' })
measure('binding signed by the outsider, not by participant 5', S[6], p5, tasksOf(p5)[0], { signer: outsider })
measure('binding from a later round', S[5], p5, tasksOf(p5)[1], { fromRound: round + 1 })
for (const t of tasksOf(outsider)) measure('participant not in the snapshot', S[7], outsider, t)
measure('task not in the round', S[2], p2, { cid: 'bafynotinround', minerId: 'f01000' })
measure(
  'task not assigned to participant 2',
  S[2],
  p2,
  tasks.find((t) => !tasksOf(p2).includes(t)),
)
measure('measurement of another round', S[2], p2, tasksOf(p2)[0], { round: round + 1 })

const ctx = { params, round, seeds, tasks, admission: { height, eligible: new Set(eligible) } }
const records = entries.map((e) => measurementRecord(e.signed))
const evaluation = evaluateRound(ctx, records)
const first = entries[0].signed
const { signature: _, ...firstFields } = first

// the summary root (spec §9, §13.7) with no catalogue and no previous: what the admission adds to it
function summaryOf(evaluation) {
  const built = buildRoundSummary(evaluation, { params, seeds, catalogueCid: null, previous: null, admission: ctx.admission })
  const list = built.blocks.at(-1)
  return {
    about: 'buildRoundSummary of the evaluation above, catalogueCid null, previous null',
    root: built.root.cid.toString(),
    rootBytes: toHex(built.root.bytes),
    eligible: list.cid.toString(),
    eligibleList: dagCbor.decode(list.bytes),
  }
}

// station 1's attestation (spec §13.3a) of participant 1's first task, naming that committee's block
function attestationOf(evaluation) {
  const built = buildRoundSummary(evaluation, { params, seeds, catalogueCid: null, previous: null, admission: ctx.admission })
  const task = tasksOf(p1)[0]
  const unsigned = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task,
    stationId: S[0].stationId,
    committee: built.committees.get(taskId(task)).cid,
    participant: p1.address,
    bindingFromRound: first.bindingFromRound,
    bindingSignature: first.bindingSignature,
  }
  const signed = signAttestation(unsigned, S[0])
  return {
    about: "station 1's attestation of participant 1's first task, naming its committee block, with the binding of its measurements",
    station: S[0].label,
    participant: p1.label,
    task,
    committee: unsigned.committee.toString(),
    unsignedBytes: encodeUnsignedAttestation(unsigned).length,
    signingDigest: toHex(attestationSigningDigest(unsigned)),
    signedBytes: toHex(encodeAttestation(signed)),
    cid: attestationCid(signed).toString(),
  }
}

const vector = {
  about:
    'Known answers of Spark Swarm protocol version 2 (spec/protocol.md §11.6), computed by the reference implementation with test/vectors/protocol/make-v2.mjs. A change here is a protocol change.',
  params,
  paramsDigest: paramsDigest(params),
  round,
  beacon,
  tasks,
  keys: 'participant private key = SHA-256(utf8(label)); station key = stationKeyFromSeed(SHA-256(utf8(label)))',
  participants: [...P, outsider].map((p) => ({ label: p.label, address: p.address })),
  stations: S.map((s) => ({ label: s.label, stationId: s.stationId })),
  snapshot: { height, eligible },
  measurement: {
    about: 'the first measurement below',
    unsignedBytes: encodeMeasurement(firstFields).length,
    signingDigest: toHex(measurementSigningDigest(firstFields)),
    signedBytes: toHex(encodeSignedMeasurement(first)),
    cid: measurementCid(first).toString(),
  },
  measurements: entries.map(({ signed, ...e }, i) => ({ ...e, cid: records[i].cid, json: measurementToJson(signed) })),
  expected: evaluation,
  summary: summaryOf(evaluation),
  attestation: attestationOf(evaluation),
}
writeFileSync(new URL('./v2.json', import.meta.url), `${JSON.stringify(vector, null, 2)}\n`)
console.log(`v2.json: ${entries.length} measurements, ${evaluation.committees.length} committees`)
