import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  type DrandBeacon,
  getStationKey,
  getTaskKey,
  ProtocolError,
  pickTasksForStation,
  QUICKNET,
  sparkEpochToDrandRound,
  verifyDrandBeacon,
} from '../src/index.js'

// Public known-answer vectors (Spark's tasker, drand quicknet), copied into the repository so a
// clone alone runs them: test/vectors/public/.
const vectorsDir = new URL('../../../test/vectors/public/', import.meta.url)
const tasker = JSON.parse(readFileSync(new URL('spark-tasker.json', vectorsDir), 'utf8'))
const drand = JSON.parse(readFileSync(new URL('drand-quicknet.json', vectorsDir), 'utf8'))

describe('Spark tasker vectors', () => {
  for (const v of tasker.taskKey) {
    it(`getTaskKey(${v.task.cid}, ${v.task.minerId})`, () => {
      expect(getTaskKey(v.task, tasker.randomness)).toBe(BigInt(v.key))
    })
  }
  for (const v of tasker.stationKey) {
    it(`getStationKey(${v.stationId.slice(0, 8)}…)`, () => {
      expect(getStationKey(v.stationId)).toBe(BigInt(v.key))
    })
  }
  for (const v of tasker.pickTasks) {
    it(`picks ${v.maxTasksPerRound} tasks for ${v.stationId} in Spark's order`, () => {
      expect(pickTasksForStation(v.tasks, v.stationId, tasker.randomness, v.maxTasksPerRound)).toEqual(v.expected)
    })
  }
  it("maps Spark's start epoch to the drand round", () => {
    expect(sparkEpochToDrandRound(tasker.drand.example.startEpoch)).toBe(tasker.drand.example.drandRound)
    // the closed form SPARK-V1.md gives for quicknet
    for (const epoch of [4_080_000, 4_111_111, 5_000_000]) expect(sparkEpochToDrandRound(epoch)).toBe(10 * epoch - 31498988)
  })
})

describe('drand quicknet beacon', () => {
  const chain = { ...QUICKNET }
  const beacon: DrandBeacon = drand.beacons[0]

  it('uses the published chain info', () => {
    expect(chain.publicKey).toBe(drand.info.public_key)
    expect(chain.chainHash).toBe(drand.info.hash)
    expect(chain.genesisTime).toBe(drand.info.genesis_time)
    expect(chain.period).toBe(drand.info.period)
  })

  it('verifies the genuine beacon', () => {
    expect(() => verifyDrandBeacon(chain, beacon)).not.toThrow()
  })

  const rejects = (b: DrandBeacon) => {
    try {
      verifyDrandBeacon(chain, b)
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError)
      return (err as ProtocolError).code
    }
    return 'accepted'
  }

  it('rejects a tampered round', () => {
    expect(rejects({ ...beacon, round: beacon.round + 1 })).toBe('DRAND_BEACON_INVALID')
  })
  it('rejects a tampered signature', () => {
    // flip one bit of the last byte: still hex, still 48 bytes, no longer the chain's signature
    const sig = beacon.signature.slice(0, -1) + (Number.parseInt(beacon.signature.slice(-1), 16) ^ 1).toString(16)
    expect(rejects({ ...beacon, signature: sig })).toBe('DRAND_BEACON_INVALID')
  })
  it('rejects tampered randomness', () => {
    const randomness = `0${beacon.randomness.slice(1)}`
    expect(randomness).not.toBe(beacon.randomness)
    expect(rejects({ ...beacon, randomness })).toBe('DRAND_BEACON_INVALID')
  })
  it('rejects a beacon of another chain key', () => {
    expect(() => verifyDrandBeacon({ ...chain, publicKey: chain.publicKey.replace(/^83/, '93') }, beacon)).toThrow(ProtocolError)
  })
})
