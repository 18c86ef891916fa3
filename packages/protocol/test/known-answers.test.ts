import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  buildRoundSummary,
  deriveRoundSeeds,
  devnet,
  encodeMeasurement,
  encodeSignedMeasurement,
  evaluateRound,
  fromHex,
  localBeaconRandomness,
  type Measurement,
  measurementCid,
  measurementRecord,
  measurementSigningDigest,
  paramsDigest,
  presets,
  SeededStream,
  sha256,
  signMeasurement,
  stationKeyFromSeed,
  toHex,
} from '../src/index.js'

// Our own protocol's known answers (spec/protocol.md §11.5): any change to them is a protocol change.
const v = JSON.parse(readFileSync(new URL('../../../test/vectors/protocol/v1.json', import.meta.url), 'utf8'))
const genesis = (devnet.randomness as { genesisSeed: string }).genesisSeed

describe('protocol v1 known answers', () => {
  it('params digests', () => {
    for (const [name, digest] of Object.entries(v.paramsDigest))
      expect([name, paramsDigest(presets[name as keyof typeof presets])]).toEqual([name, digest])
  })
  it('devnet beacon and round seeds', () => {
    expect(localBeaconRandomness(genesis, 1)).toBe(v.devnetBeacon['1'])
    expect(localBeaconRandomness(genesis, 2)).toBe(v.devnetBeacon['2'])
    expect(localBeaconRandomness(genesis, 1_000_000)).toBe(v.devnetBeacon['1000000'])
    const seeds = deriveRoundSeeds(1, v.devnetBeacon['1'])
    expect({
      tasks: seeds.tasks,
      nodeSelection: seeds.nodeSelection,
      inetGroupOrder: seeds.inetGroupOrder,
      anchors: seeds.anchors,
    }).toEqual(v.seedsRound1)
  })
  it('seeded stream', () => {
    const a = new SeededStream(v.seededStream.seed)
    expect([a.nextUint32(), a.nextUint32(), a.nextUint32(), a.nextUint32()]).toEqual(v.seededStream.words)
    const b = new SeededStream(v.seededStream.seed)
    expect(Array.from({ length: 5 }, () => b.nextInt(10))).toEqual(v.seededStream.nextInt10)
  })
  it('a signed measurement: bytes, digest, signature, CID', () => {
    const key = stationKeyFromSeed(fromHex(v.measurement.keySeed))
    expect(key.stationId).toBe(v.measurement.stationId)
    const m: Measurement = { ...v.measurement.fields, stationId: key.stationId }
    expect(encodeMeasurement(m)).toHaveLength(v.measurement.unsignedBytes)
    expect(toHex(measurementSigningDigest(m))).toBe(v.measurement.signingDigest)
    const signed = signMeasurement(m, key)
    expect(toHex(signed.signature)).toBe(v.measurement.signature)
    expect(encodeSignedMeasurement(signed)).toHaveLength(v.measurement.signedBytes)
    expect(measurementCid(signed).toString()).toBe(v.measurement.cid)
  })
  it('a round summary CID, whatever the input order', () => {
    const seeds = deriveRoundSeeds(1, v.devnetBeacon['1'])
    const ctx = { params: devnet, round: 1, seeds, tasks: [{ cid: 'bafytesttask0', minerId: 'f01000' }] }
    const records = v.summary.stationSeeds.map((seed: string, i: number) => {
      const key = stationKeyFromSeed(sha256(seed))
      const failed = i === 2 ? { statusCode: 502, byteLength: null, carChecksum: null, firstByteAt: null, retrievalResult: 'HTTP_502' } : {}
      return measurementRecord(
        signMeasurement({ ...v.measurement.fields, stationId: key.stationId, inetGroup: `group-${i + 1}`, ...failed }, key),
      )
    })
    const build = (rs: typeof records) =>
      buildRoundSummary(evaluateRound(ctx, rs), { params: devnet, seeds, catalogueCid: null, previous: null })
    const built = build(records)
    expect(built.root.cid.toString()).toBe(v.summary.root)
    expect(built.blocks[1]?.cid.toString()).toBe(v.summary.committeeBlock)
    expect(built.blocks[2]?.cid.toString()).toBe(v.summary.listBlock)
    expect(build([...records].reverse().concat(records[0])).root.cid.toString()).toBe(v.summary.root)
    expect(build([]).root.cid.toString()).toBe(v.summary.empty)
  })
})
