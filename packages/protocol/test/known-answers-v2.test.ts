import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  type AdmissionParams,
  type AdmissionSnapshot,
  attestationCid,
  attestationSigningDigest,
  buildRoundSummary,
  decodeAttestation,
  decodeParticipantList,
  deriveRoundSeeds,
  eligibilityHeight,
  encodeAttestation,
  encodeMeasurement,
  encodeSignedMeasurement,
  encodeUnsignedAttestation,
  evaluateRound,
  localBeaconRandomness,
  measurementCid,
  measurementFromJson,
  measurementRecord,
  measurementSigningDigest,
  type ProtocolParams,
  paramsDigest,
  participantOfPrivateKey,
  type RetrievalTask,
  type RoundContext,
  roundStartTime,
  type SignedMeasurement,
  sha256,
  signAttestation,
  signBinding,
  signMeasurement,
  stationKeyFromSeed,
  taskId,
  toHex,
  validateParams,
  verifyAttestationSignature,
} from '../src/index.js'

// Protocol version 2's known answers (spec/protocol.md §11.6), made by test/vectors/protocol/make-v2.mjs.
const v = JSON.parse(readFileSync(new URL('../../../test/vectors/protocol/v2.json', import.meta.url), 'utf8'))
const params = validateParams(v.params as ProtocolParams)
const byLabel = <T extends { label: string }>(list: T[]) => new Map(list.map((x) => [x.label, x]))
const participants = byLabel(v.participants as Array<{ label: string; address: string }>)
const stations = byLabel(v.stations as Array<{ label: string; stationId: string }>)
const measurements = (v.measurements as Array<{ json: unknown }>).map((m) => measurementFromJson(m.json))
const records = measurements.map(measurementRecord)
const ctx: RoundContext = {
  params,
  round: v.round,
  seeds: deriveRoundSeeds(v.round, v.beacon),
  tasks: v.tasks as RetrievalTask[],
  admission: { height: v.snapshot.height, eligible: new Set(v.snapshot.eligible as string[]) },
}

describe('protocol v2 known answers', () => {
  it('params, beacon and eligibility height', () => {
    expect(paramsDigest(params)).toBe(v.paramsDigest)
    expect(localBeaconRandomness((params.randomness as { genesisSeed: string }).genesisSeed, v.round)).toBe(v.beacon)
    expect(eligibilityHeight(params.admission as AdmissionParams, roundStartTime(params, v.round))).toBe(v.snapshot.height)
  })

  it('keys from labels: participants from SHA-256 of the label, stations from a seed of it', () => {
    for (const p of participants.values()) expect(participantOfPrivateKey(sha256(p.label))).toBe(p.address)
    for (const s of stations.values()) expect(stationKeyFromSeed(sha256(s.label)).stationId).toBe(s.stationId)
  })

  it('one measurement: unsigned bytes, signing digest, signed bytes, CID', () => {
    const { signature: _, ...fields } = measurements[0] as SignedMeasurement
    expect(encodeMeasurement(fields)).toHaveLength(v.measurement.unsignedBytes)
    expect(toHex(measurementSigningDigest(fields))).toBe(v.measurement.signingDigest)
    expect(toHex(encodeSignedMeasurement(measurements[0]!))).toBe(v.measurement.signedBytes)
    expect(measurementCid(measurements[0]!).toString()).toBe(v.measurement.cid)
  })

  it('every measurement: its CID, its station and binding signatures remade from the keys', () => {
    v.measurements.forEach(
      (entry: { station: string; participant: string; bindingSigner: string; tampered: boolean; cid: string }, i: number) => {
        const m = measurements[i] as SignedMeasurement
        expect(records[i]?.cid).toBe(entry.cid)
        expect(m.participant).toBe(participants.get(entry.participant)?.address)
        const binding = { network: m.network, participant: m.participant!, stationId: m.stationId, fromRound: m.bindingFromRound! }
        expect(toHex(signBinding(binding, sha256(entry.bindingSigner)))).toBe(toHex(m.bindingSignature!))
        const { signature, ...fields } = m
        const resigned = signMeasurement(fields, stationKeyFromSeed(sha256(entry.station)))
        expect(toHex(resigned.signature) === toHex(signature)).toBe(!entry.tampered)
      },
    )
  })

  it('the round: labels, committees and scores, whatever the input order', () => {
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x))
    expect(plain(evaluateRound(ctx, records))).toEqual(v.expected)
    expect(plain(evaluateRound(ctx, [...records].reverse().concat(records.slice(0, 3))))).toEqual(v.expected)
    // trusted mode skips station signatures only: bindings and the other step-1 rules label as before
    const tampered = new Set<string>(v.measurements.filter((m: { tampered: boolean }) => m.tampered).map((m: { cid: string }) => m.cid))
    const trusted = new Map(evaluateRound(ctx, records, { signatures: 'trusted' }).measurements.map((e) => [e.cid, e.taskingEvaluation]))
    const stepOne = (v.expected.measurements as Array<{ cid: string; taskingEvaluation: string }>).filter(
      (e) => !tampered.has(e.cid) && e.taskingEvaluation !== 'OK' && e.taskingEvaluation !== 'DUPLICATE',
    )
    expect(stepOne.map((e) => trusted.get(e.cid))).toEqual(stepOne.map((e) => e.taskingEvaluation))
    expect([...tampered].map((cid) => trusted.get(cid))).not.toContain('INVALID_SIGNATURE')
  })
  it('the summary: root bytes and CID, and the eligible list of the members (spec §13.7)', () => {
    const built = buildRoundSummary(evaluateRound(ctx, records), {
      params,
      seeds: ctx.seeds,
      catalogueCid: null,
      previous: null,
      admission: ctx.admission as AdmissionSnapshot,
    })
    expect(built.root.cid.toString()).toBe(v.summary.root)
    expect(toHex(built.root.bytes)).toBe(v.summary.rootBytes)
    const list = built.blocks.find((b) => b.cid.toString() === v.summary.eligible)
    expect(decodeParticipantList(list?.bytes as Uint8Array)).toEqual(v.summary.eligibleList)
    // the outsider is NOT_ELIGIBLE in every measurement: a member of no committee, so not listed
    expect(v.summary.eligibleList).not.toContain(participants.get('v2 outsider')?.address)
  })

  it('a version-2 attestation: bytes, digest and CID, remade from the keys over the committee block (spec §13.3a)', () => {
    const a = decodeAttestation(Buffer.from(v.attestation.signedBytes, 'hex'))
    const m = measurements[0] as SignedMeasurement
    expect(verifyAttestationSignature(a)).toBe(true)
    expect(a.participant).toBe(participants.get(v.attestation.participant)?.address)
    expect([a.bindingFromRound, toHex(a.bindingSignature!)]).toEqual([m.bindingFromRound, toHex(m.bindingSignature!)])
    const built = buildRoundSummary(evaluateRound(ctx, records), {
      params,
      seeds: ctx.seeds,
      catalogueCid: null,
      previous: null,
      admission: ctx.admission as AdmissionSnapshot,
    })
    expect(a.committee.toString()).toBe(built.committees.get(taskId(v.attestation.task))?.cid.toString())
    const { signature: _, ...fields } = a
    expect(encodeUnsignedAttestation(fields)).toHaveLength(v.attestation.unsignedBytes)
    expect(toHex(attestationSigningDigest(fields))).toBe(v.attestation.signingDigest)
    const remade = signAttestation(fields, stationKeyFromSeed(sha256(v.attestation.station)))
    expect(toHex(encodeAttestation(remade))).toBe(v.attestation.signedBytes)
    expect(attestationCid(remade).toString()).toBe(v.attestation.cid)
  })
})
