import { verify } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { describe, expect, it } from 'vitest'
import {
  type Attestation,
  attestationCid,
  attestationSigningDigest,
  cidOfDagCbor,
  DOMAIN,
  decodeAttestation,
  domainHash,
  encodeAttestation,
  encodeUnsignedAttestation,
  MAX_ATTESTATION_BYTES,
  ProtocolError,
  publicKeyObject,
  signAttestation,
  type UnsignedAttestation,
  verifyAttestationSignature,
} from '../src/index.js'
import { testStation } from './helpers.js'

const key = testStation(1)
const committee = cidOfDagCbor(dagCbor.encode({ committee: 'result' }))
const unsigned: UnsignedAttestation = {
  protocolVersion: 1,
  network: 'devnet',
  round: 7,
  task: { cid: 'bafytesttask0', minerId: 'f01000' },
  stationId: key.stationId,
  committee,
}
const signed = signAttestation(unsigned, key)

function codeOf(f: () => unknown): string {
  try {
    f()
    return 'accepted'
  } catch (err) {
    return (err as ProtocolError).code
  }
}

/** Decodes and verifies; false when either step refuses the bytes. */
function accepted(bytes: Uint8Array): boolean {
  try {
    return verifyAttestationSignature(decodeAttestation(bytes))
  } catch {
    return false
  }
}

/** Attestation strings may not hold U+0000–U+001F or U+007F. */
function noControlCharacters(s: string): boolean {
  return [...s].every((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
}

const networkArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/)
const roundArb = fc.nat({ max: 2 ** 40 })

describe('attestation codec', () => {
  it('round-trips through canonical DAG-CBOR with a stable CID', () => {
    const bytes = encodeAttestation(signed)
    const decoded = decodeAttestation(bytes)
    expect(decoded).toEqual(signed)
    expect(decoded.committee.equals(committee)).toBe(true)
    expect(verifyAttestationSignature(decoded)).toBe(true)
    expect(attestationCid(decoded).toString()).toBe(attestationCid(signed).toString())
    expect(attestationCid(signed).toString()).toMatch(/^bafyrei/)
    expect(bytes.length).toBeLessThan(MAX_ATTESTATION_BYTES)
  })

  it('round-trips any valid attestation (property)', () => {
    fc.assert(
      fc.property(
        networkArb,
        roundArb,
        fc.string({ minLength: 1, maxLength: 100 }).filter(noControlCharacters),
        fc.stringMatching(/^f0[0-9]{1,10}$/),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 63 }),
        (network, round, cid, minerId, block, keyIndex) => {
          const k = testStation(keyIndex)
          const a = signAttestation(
            { protocolVersion: 1, network, round, task: { cid, minerId }, stationId: k.stationId, committee: cidOfDagCbor(block) },
            k,
          )
          const again = decodeAttestation(encodeAttestation(a))
          expect(again).toEqual(a)
          expect(verifyAttestationSignature(again)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('rejects oversized, non-canonical and wrongly shaped input with ATTESTATION_MALFORMED', () => {
    const bytes = encodeAttestation(signed)
    expect(codeOf(() => decodeAttestation(new Uint8Array(MAX_ATTESTATION_BYTES + 1)))).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(new Uint8Array([0xff, 0x00])))).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(new Uint8Array([...bytes, 0])))).toBe('ATTESTATION_MALFORMED')
    const encode = (value: Record<string, unknown>) => dagCbor.encode(value)
    expect(codeOf(() => decodeAttestation(encode({ ...signed, extra: 1 })))).toBe('ATTESTATION_MALFORMED')
    const { committee: _, ...missing } = signed
    expect(codeOf(() => decodeAttestation(encode(missing)))).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(encode({ ...signed, round: -1 })))).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(encode({ ...signed, signature: new Uint8Array(63) })))).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(encode({ ...signed, stationId: key.stationId.toUpperCase() })))).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(encode({ ...signed, task: { cid: 'x', minerId: 'f0', extra: 'y' } })))).toBe(
      'ATTESTATION_MALFORMED',
    )
    expect(codeOf(() => decodeAttestation(encode({ ...signed, committee: committee.toString() })))).toBe('ATTESTATION_MALFORMED')
    // one link form: a CIDv0 or a raw-codec CID of the same digest is not a committee block
    expect(
      codeOf(() =>
        decodeAttestation(encode({ ...signed, committee: CID.createV0(committee.multihash as Parameters<typeof CID.createV0>[0]) })),
      ),
    ).toBe('ATTESTATION_MALFORMED')
    expect(codeOf(() => decodeAttestation(encode({ ...signed, committee: CID.createV1(0x55, committee.multihash) })))).toBe(
      'ATTESTATION_MALFORMED',
    )
    const identity = CID.createV1(dagCbor.code, Digest.create(0x00, new Uint8Array(8)))
    expect(codeOf(() => decodeAttestation(encode({ ...signed, committee: identity })))).toBe('ATTESTATION_MALFORMED')
  })

  it('refuses to sign for another station, or what peers would refuse for its size', () => {
    expect(codeOf(() => signAttestation(unsigned, testStation(2)))).toBe('ATTESTATION_WRONG_KEY')
    expect(codeOf(() => signAttestation({ ...unsigned, task: { cid: '€'.repeat(256), minerId: '€'.repeat(64) } }, key))).toBe(
      'ATTESTATION_MALFORMED',
    )
  })

  it('fuzzed bytes never crash the decoder (property)', () => {
    const valid = encodeAttestation(signed)
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ minLength: valid.length, maxLength: valid.length })),
        (bytes) => {
          try {
            decodeAttestation(bytes)
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError)
            expect((err as ProtocolError).code).toBe('ATTESTATION_MALFORMED')
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})

describe('attestation signature', () => {
  it('any changed byte of the signed encoding fails decoding or verification (property)', () => {
    const bytes = encodeAttestation(signed)
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const copy = new Uint8Array(bytes)
        copy[i] = ((copy[i] as number) + delta) & 0xff
        expect(accepted(copy)).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })

  it('a replay to another round or network fails verification (property)', () => {
    fc.assert(
      fc.property(roundArb, networkArb, (round, network) => {
        fc.pre(round !== signed.round || network !== signed.network)
        const replayed: Attestation = { ...signed, round, network }
        expect(verifyAttestationSignature(replayed)).toBe(false)
        expect(accepted(encodeAttestation(replayed))).toBe(false)
      }),
      { numRuns: 300 },
    )
    expect(verifyAttestationSignature({ ...signed, protocolVersion: 2 })).toBe(false)
  })

  it('does not verify for another task, committee block or station', () => {
    expect(verifyAttestationSignature({ ...signed, task: { ...signed.task, minerId: 'f09999' } })).toBe(false)
    expect(verifyAttestationSignature({ ...signed, committee: cidOfDagCbor(dagCbor.encode('other')) })).toBe(false)
    expect(verifyAttestationSignature({ ...signed, stationId: testStation(2).stationId })).toBe(false)
    expect(verifyAttestationSignature({ ...signed, stationId: '0'.repeat(88) })).toBe(false)
  })

  it('is domain-separated: the signature does not cover the same bytes under the measurement domain', () => {
    const asMeasurement = domainHash(DOMAIN.measurementSignature, encodeUnsignedAttestation(signed))
    expect(verify(null, attestationSigningDigest(signed), publicKeyObject(key.stationId), signed.signature)).toBe(true)
    expect(verify(null, asMeasurement, publicKeyObject(key.stationId), signed.signature)).toBe(false)
  })
})
