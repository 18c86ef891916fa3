import { createPublicKey, randomBytes, sign, verify } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError, publicKeyObject, stationIdFromPublicKey, stationKeyFromSeed } from '../src/index.js'

describe('publicKeyObject', () => {
  it('is the key the station id encodes, as its SPKI DER reads, for any 32 bytes and either case of hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), (raw, upper) => {
        const id = stationIdFromPublicKey(raw)
        const fromDer = createPublicKey({ key: Buffer.from(id, 'hex'), format: 'der', type: 'spki' })
        const key = publicKeyObject(upper ? id.toUpperCase() : id)
        expect(key.equals(fromDer)).toBe(true)
        expect(key.asymmetricKeyType).toBe('ed25519')
      }),
      { numRuns: 200 },
    )
  })

  it("checks the station's signatures and no one else's", () => {
    const station = stationKeyFromSeed(randomBytes(32))
    const other = stationKeyFromSeed(randomBytes(32))
    const digest = randomBytes(32)
    const signature = sign(null, digest, station.privateKey)
    expect(verify(null, digest, publicKeyObject(station.stationId), signature)).toBe(true)
    expect(verify(null, digest, publicKeyObject(other.stationId), signature)).toBe(false)
  })

  it('refuses what is not a station id', () => {
    expect(() => publicKeyObject('ab'.repeat(44))).toThrow(ProtocolError)
    expect(() => publicKeyObject('')).toThrow(/88 hex chars/)
  })
})
