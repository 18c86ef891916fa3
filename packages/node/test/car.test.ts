import { blake2b, blake2s } from '@noble/hashes/blake2.js'
import {
  keccak_224,
  keccak_256,
  keccak_384,
  keccak_512,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  shake128,
  shake256,
} from '@noble/hashes/sha3.js'
import { STATUS } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { carChecksum, mapErrorToStatusCode, verifyCarBlock } from '../src/index.js'
import { cidWithHash, makeCar, rawBlock } from './helpers/car.js'

async function statusOf(cid: string | CID, car: Uint8Array): Promise<number | 'ok'> {
  try {
    await verifyCarBlock(cid, car)
    return 'ok'
  } catch (err) {
    return mapErrorToStatusCode(err)
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

describe('verifyCarBlock', () => {
  it('accepts a CAR of exactly the requested block, by CID string or object', async () => {
    const block = await rawBlock('hello spark')
    const car = await makeCar([block.cid], [block])
    expect(await statusOf(block.cid.toString(), car)).toBe('ok')
    expect(await statusOf(block.cid, car)).toBe('ok')
  })

  it('CONTENT_VERIFICATION_FAILED (902) when the bytes do not hash to the CID', async () => {
    const block = await rawBlock('hello spark')
    const car = await makeCar([block.cid], [{ cid: block.cid, bytes: new TextEncoder().encode('hello sparx') }])
    expect(await statusOf(block.cid.toString(), car)).toBe(STATUS.CONTENT_VERIFICATION_FAILED)
  })

  it('UNEXPECTED_CAR_BLOCK (903) for another block, an extra block, a repeat, or none at all', async () => {
    const a = await rawBlock('a')
    const b = await rawBlock('b')
    expect(await statusOf(a.cid.toString(), await makeCar([a.cid], [b]))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
    expect(await statusOf(a.cid.toString(), await makeCar([a.cid], [a, b]))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
    expect(await statusOf(a.cid.toString(), await makeCar([a.cid], [a, a]))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
    // Spark accepted an empty CAR; here it is a failure: nothing was retrieved
    expect(await statusOf(a.cid.toString(), await makeCar([a.cid], []))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
  })

  it('UNEXPECTED_CAR_BLOCK (903) when the roots are not exactly [cid]', async () => {
    const a = await rawBlock('a')
    const b = await rawBlock('b')
    expect(await statusOf(a.cid.toString(), await makeCar([b.cid], [a]))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
    expect(await statusOf(a.cid.toString(), await makeCar([a.cid, b.cid], [a]))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
    expect(await statusOf(a.cid.toString(), await makeCar([], [a]))).toBe(STATUS.UNEXPECTED_CAR_BLOCK)
  })

  it('CANNOT_PARSE_CAR_FILE (904) for garbage, an empty body and a truncated CAR', async () => {
    const block = await rawBlock('x'.repeat(1000))
    const car = await makeCar([block.cid], [block])
    expect(await statusOf(block.cid.toString(), new TextEncoder().encode('<html>not found</html>'))).toBe(STATUS.CANNOT_PARSE_CAR_FILE)
    expect(await statusOf(block.cid.toString(), new Uint8Array(0))).toBe(STATUS.CANNOT_PARSE_CAR_FILE)
    expect(await statusOf(block.cid.toString(), car.subarray(0, car.length - 10))).toBe(STATUS.CANNOT_PARSE_CAR_FILE)
    expect(await statusOf(block.cid.toString(), car.subarray(0, 20))).toBe(STATUS.CANNOT_PARSE_CAR_FILE)
  })

  it('UNSUPPORTED_CID_HASH_ALGO (901) for blake3, identity, murmur3, and a CID it cannot decode', async () => {
    const bytes = new TextEncoder().encode('abc')
    const blake3 = cidWithHash(0x1e, new Uint8Array(32))
    expect(await statusOf(blake3.toString(), await makeCar([blake3], [{ cid: blake3, bytes }]))).toBe(STATUS.UNSUPPORTED_CID_HASH_ALGO)
    const inline = CID.createV1(raw.code, identity.digest(bytes))
    expect(await statusOf(inline.toString(), await makeCar([inline], [{ cid: inline, bytes }]))).toBe(STATUS.UNSUPPORTED_CID_HASH_ALGO)
    const murmur = cidWithHash(0x22, new Uint8Array(8))
    expect(await statusOf(murmur.toString(), await makeCar([murmur], [{ cid: murmur, bytes }]))).toBe(STATUS.UNSUPPORTED_CID_HASH_ALGO)
    expect(await statusOf('not-a-cid', new Uint8Array(0))).toBe(STATUS.UNSUPPORTED_CID_HASH_ALGO)
  })

  it('verifies every supported hash function, and catches a wrong byte under each', async () => {
    const bytes = new TextEncoder().encode('the quick brown fox')
    const cases: Array<[string, number, Uint8Array]> = [
      ['sha2-512', 0x13, (await sha512.digest(bytes)).digest],
      ['sha3-512', 0x14, sha3_512(bytes)],
      ['sha3-384', 0x15, sha3_384(bytes)],
      ['sha3-256', 0x16, sha3_256(bytes)],
      ['sha3-224', 0x17, sha3_224(bytes)],
      ['shake-128', 0x18, shake128(bytes, { dkLen: 32 })],
      ['shake-256', 0x19, shake256(bytes, { dkLen: 64 })],
      ['keccak-224', 0x1a, keccak_224(bytes)],
      ['keccak-256', 0x1b, keccak_256(bytes)],
      ['keccak-384', 0x1c, keccak_384(bytes)],
      ['keccak-512', 0x1d, keccak_512(bytes)],
      ['blake2b-256', 0xb220, blake2b(bytes, { dkLen: 32 })],
      ['blake2s-256', 0xb260, blake2s(bytes, { dkLen: 32 })],
    ]
    for (const [name, code, digest] of cases) {
      const cid = cidWithHash(code, digest)
      expect([name, await statusOf(cid.toString(), await makeCar([cid], [{ cid, bytes }]))]).toEqual([name, 'ok'])
      const tampered = bytes.slice()
      tampered[0] = 0
      expect([name, await statusOf(cid.toString(), await makeCar([cid], [{ cid, bytes: tampered }]))]).toEqual([
        name,
        STATUS.CONTENT_VERIFICATION_FAILED,
      ])
      // a truncated digest is a mismatch, never a weaker check
      const short = cidWithHash(code, digest.subarray(0, 8))
      expect([name, await statusOf(short.toString(), await makeCar([short], [{ cid: short, bytes }]))]).toEqual([
        name,
        STATUS.CONTENT_VERIFICATION_FAILED,
      ])
    }
  })

  it('uses the right functions: known digests of the empty string', async () => {
    const empty = new Uint8Array(0)
    const known: Array<[number, string]> = [
      [0x16, 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'], // sha3-256
      [0x1b, 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'], // keccak-256
      [0xb220, '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8'], // blake2b-256
      [0xb260, '69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9'], // blake2s-256
      [0x12, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'], // sha2-256
    ]
    for (const [code, digest] of known) {
      const cid = cidWithHash(code, Buffer.from(digest, 'hex'))
      expect([code, await statusOf(cid, await makeCar([cid], [{ cid, bytes: empty }]))]).toEqual([code, 'ok'])
    }
  })

  it('verifies a block larger than one hashing slice', async () => {
    const block = await rawBlock(new Uint8Array(3 * 1024 * 1024 + 7).fill(7))
    expect(await statusOf(block.cid.toString(), await makeCar([block.cid], [block]))).toBe('ok')
  })
})

describe('carChecksum', () => {
  it("is the sha2-256 multihash hex of all the bytes, as Spark's", async () => {
    expect(carChecksum(new Uint8Array(0))).toBe('1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    const block = await rawBlock('abc')
    const car = await makeCar([block.cid], [block])
    expect(carChecksum(car)).toBe(`1220${hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(car))))}`)
  })
})
