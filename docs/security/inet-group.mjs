#!/usr/bin/env node
// Two attacks the simulator has no adversary kind for, measured on the protocol's own functions
// (real Ed25519 keys, signed measurements, `evaluateRound` in verify mode). Build first: `npx tsc -b`.
//
//   node docs/security/inet-group.mjs squat    one identity claims a victim's (self-reported) inet group
//                                              and grinds its measurements' CIDs to sort first
//   node docs/security/inet-group.mjs attest   identities minted until enough are assigned one task
//                                              to out-attest its committee (spec §12.6), and what they
//                                              confirm under the old rule and under confirmation by membership
import {
  buildCommitteeBlock,
  committeeBlockMembership,
  committeeMemberships,
  countConfirmation,
  decodeCommitteeBlock,
  deriveRoundSeeds,
  devnet,
  eligibilityHeight,
  evaluateRound,
  fromHex,
  localBeaconRandomness,
  measurementRecord,
  participantOfPrivateKey,
  retrievalResultOf,
  roundStartTime,
  sha256,
  signBinding,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
  taskId,
} from '@spark-swarm/protocol'

const TASKS = 100
const K = 5
const params = { ...devnet, tasksPerRound: TASKS, maxTasksPerNode: K, minCommitteeSize: 1 }
const round = 1
const seeds = deriveRoundSeeds(round, localBeaconRandomness(devnet.randomness.genesisSeed, round))
const tasks = Array.from({ length: TASKS }, (_, i) => ({ cid: `bafysecuritytask${i}`, minerId: 'f01000' }))
const ctx = { params, round, seeds, tasks }
const selector = new TaskSelector(tasks, seeds.nodeSelection)
const key = (label) => stationKeyFromSeed(sha256(label))

function measurement(station, task, inetGroup, fields = {}) {
  const m = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task,
    stationId: station.stationId,
    inetGroup,
    checkerVersion: '0.1.0',
    indexerResult: 'OK',
    protocol: 'http',
    providerId: '12D3KooWSecurityProvider',
    providerAddress: '/dns/sp.example/tcp/443/https',
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
    ...fields,
  }
  m.retrievalResult = retrievalResultOf(m)
  return signMeasurement(m, station)
}

// The conflict order of spec §7 step 2: 50 digest bits of the CID text XOR 50 bits of the seed.
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const seedBits = (() => {
  const s = fromHex(seeds.inetGroupOrder)
  let v = 0n
  for (let i = 0; i < 7; i++) v = (v << 8n) | BigInt(s[i])
  return v >> 6n
})()
function order(record) {
  let v = 0n
  for (let i = 8; i < 18; i++) v = (v << 5n) | BigInt(BASE32.indexOf(record.cid[i]))
  return v ^ seedBits
}

/** The record, among `tries` variants of one measurement (different end times), that sorts first. */
function ground(make, tries) {
  let best
  for (let j = 0; j < tries; j++) {
    const r = measurementRecord(make(j))
    if (best === undefined || order(r) < order(best)) best = r
  }
  return best
}

/*
 * Version 2 (spec §13): the same network with every checker a funded participant (the squatters
 * too: the worst case), tasks following the participant and no inet-group rule.
 */
const paramsV2 = {
  ...params,
  protocolVersion: 2,
  admission: { type: 'deposit', minDepositAttoFil: '1', chainGenesisTime: 0, epochDurationMs: 1_000, finalityEpochs: 0, windowEpochs: 1 },
}
const height = eligibilityHeight(paramsV2.admission, roundStartTime(paramsV2, round))

/** A checker of version 2: its station key, and the participant it checks for with a signed binding. */
function participantOf(label, station) {
  const wallet = sha256(`wallet ${label}`)
  const participant = participantOfPrivateKey(wallet)
  const bindingSignature = signBinding({ network: paramsV2.network, participant, stationId: station.stationId, fromRound: 0 }, wallet)
  return { participant, bindingFromRound: 0, bindingSignature }
}

function measurementV2(station, bound, task, inetGroup, fields = {}) {
  return measurement(station, task, inetGroup, { protocolVersion: 2, ...bound, ...fields })
}

/** One row of table 8 for a version: the victims' fate and the squatters' under `tries` CID variants each. */
function squatRow(version, tries, honest, VICTIMS) {
  const v2 = version === 2
  const assignee = (h) => (v2 ? h.bound.participant : h.key.stationId)
  const make = (h, task, group, fields) =>
    v2 ? measurementV2(h.key, h.bound, task, group, fields) : measurement(h.key, task, group, fields)
  const honestRecords = honest.flatMap((h) => selector.pick(assignee(h), K).map((task) => measurementRecord(make(h, task, h.group))))
  const victims = honest.slice(0, VICTIMS)
  const victimCids = new Set(
    honestRecords.filter((r) => victims.some((h) => h.key.stationId === r.measurement.stationId)).map((r) => r.cid),
  )
  const attack = []
  const squatters = []
  for (let v = 0; v < (tries > 0 ? VICTIMS : 0); v++) {
    const station = key(`squatter ${v}`)
    const squatter = { key: station, bound: participantOf(`squatter ${v}`, station), group: honest[v].group } // read from the victim's gossip
    squatters.push(squatter)
    for (const task of selector.pick(assignee(squatter), K)) {
      // it need not retrieve anything: a failure carries no checksum to get right
      attack.push(ground((j) => make(squatter, task, squatter.group, { statusCode: 502, endAt: 1_100 + j }), tries))
    }
  }
  const admission = { height, eligible: new Set([...honest, ...squatters].map((h) => h.bound.participant)) }
  const evaluation = v2
    ? evaluateRound({ ...ctx, params: paramsV2, admission }, [...honestRecords, ...attack])
    : evaluateRound(ctx, [...honestRecords, ...attack])
  const label = new Map(evaluation.measurements.map((m) => [m.cid, m.taskingEvaluation]))
  return {
    victimOk: [...victimCids].filter((cid) => label.get(cid) === 'OK').length,
    victimTotal: victimCids.size,
    silenced: victims.filter(
      ({ key }) => !evaluation.measurements.some((m) => m.stationId === key.stationId && m.taskingEvaluation === 'OK'),
    ).length,
    attackOk: attack.filter((r) => label.get(r.cid) === 'OK').length,
    attackTotal: attack.length,
  }
}

function squat() {
  const HONEST = 200
  const VICTIMS = 40
  const honest = Array.from({ length: HONEST }, (_, i) => {
    const station = key(`honest ${i}`)
    return { key: station, bound: participantOf(`honest ${i}`, station), group: `10.${i >> 8}.${i & 255}.0/24` }
  })
  console.log(`${HONEST} honest checkers, each in its own /24, K = ${K}, ${TASKS} tasks; one squatter per victim for ${VICTIMS} victims`)
  console.log(
    'version 1: groups as the measurement says; version 2 (spec §13): every checker and squatter a funded participant, no group rule',
  )
  console.log(
    "| CID variants tried per measurement | signatures per squatter | v1: victims' measurements OK | v1: victims left with none | v1: squatters' OK | v2: victims' measurements OK | v2: victims left with none | v2: squatters' OK |",
  )
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const tries of [0, 1, 4, 16, 64, 256]) {
    const [a, b] = [squatRow(1, tries, honest, VICTIMS), squatRow(2, tries, honest, VICTIMS)]
    const attack = (r) => (tries === 0 ? '–' : `${r.attackOk} of ${r.attackTotal}`)
    console.log(
      `| ${tries === 0 ? 'no attack' : tries} | ${tries * K} | ${a.victimOk} of ${a.victimTotal} | ${a.silenced} of ${VICTIMS} | ${attack(a)} | ${b.victimOk} of ${b.victimTotal} | ${b.silenced} of ${VICTIMS} | ${attack(b)} |`,
    )
  }
}

/** The rule before: every stored attestation of X counted, against the committee size in this node's own view. */
const oldRuleConfirms = (attesters, size) => 2 * attesters.length > size

function attest() {
  const TRIALS = 20
  console.log(`${TASKS} tasks, K = ${K}: identities minted until ⌊n/2⌋ + 1 of them are assigned one given task (mean of ${TRIALS} tasks)`)
  console.log("old rule: every assigned attester counts, against the size in this node's view (spec §12.6 before)")
  console.log("new rule: only attesters whose measurement the attested block lists count, against that block's size")
  console.log(
    `columns 5-7: of the ${TRIALS} honest committees, how many the minted identities confirm (old rule, new rule), and the honest members (new rule)`,
  )
  console.log(
    '| committee size n | attesters needed | identities minted | time | minted confirm, old rule | minted confirm, new rule (honest block / forged block) | honest members confirm, new rule |',
  )
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const n of [5, 10, 15, 30]) {
    const need = Math.floor(n / 2) + 1
    let minted = 0
    const attackers = []
    const started = performance.now()
    for (let t = 0; t < TRIALS; t++) {
      const found = []
      while (found.length < need) {
        const station = key(`attester ${n} ${t} ${minted++}`)
        if (selector.pickIndices(station.stationId, K).includes(t)) found.push(station.stationId)
      }
      attackers.push(found)
    }
    const ms = (performance.now() - started) / TRIALS
    // the honest committee of each task: n stations assigned it, each with its signed measurement
    const honest = []
    const records = []
    for (let t = 0; t < TRIALS; t++) {
      const members = []
      for (let i = 0; members.length < n; i++) {
        const station = key(`honest ${n} ${t} ${i}`)
        if (!selector.pickIndices(station.stationId, K).includes(t)) continue
        members.push(station.stationId)
        records.push(measurementRecord(measurement(station, tasks[t], `10.${t}.${members.length}.0/24`)))
      }
      honest.push(members)
    }
    const evaluation = evaluateRound(ctx, records)
    const memberships = committeeMemberships(evaluation)
    let oldConfirmed = 0
    let honestBlock = 0
    let forgedBlock = 0
    let honestConfirmed = 0
    for (let t = 0; t < TRIALS; t++) {
      const id = taskId(tasks[t])
      const own = memberships.get(id)
      if (own.size !== n) throw new Error(`committee of task ${t} has ${own.size} members, not ${n}`)
      if (oldRuleConfirms(attackers[t], own.size)) oldConfirmed++
      // the minted identities attest the honest block: none of them is one of its members
      if (countConfirmation(own, attackers[t]).confirmed) honestBlock++
      // or a block of their own: the honest list with another result, as catch-up would read it
      const committee = evaluation.committees.find((c) => taskId(c.task) === id)
      const { block } = buildCommitteeBlock(
        { ...committee, retrievalResult: 'TIMEOUT', counts: { TIMEOUT: committee.size } },
        { params, seeds, network: params.network, round },
      )
      const forged = decodeCommitteeBlock(block.bytes)
      const listed = records
        .filter((r) => committee.measurements.includes(r.cid))
        .map((r) => ({ stationId: r.measurement.stationId, network: r.measurement.network, round: r.measurement.round, taskId: id }))
      if (countConfirmation(committeeBlockMembership(forged, committee.measurements.length, listed), attackers[t]).confirmed) forgedBlock++
      if (countConfirmation(own, honest[t].slice(0, need)).confirmed) honestConfirmed++
    }
    console.log(
      `| ${n} | ${need} | ${Math.round(minted / TRIALS)} | ${ms.toFixed(0)} ms | ${oldConfirmed} of ${TRIALS} | ${honestBlock} / ${forgedBlock} of ${TRIALS} | ${honestConfirmed} of ${TRIALS} |`,
    )
  }
}

const command = process.argv[2]
if (command === 'squat') squat()
else if (command === 'attest') attest()
else {
  console.error('usage: inet-group.mjs squat | attest')
  process.exitCode = 2
}
