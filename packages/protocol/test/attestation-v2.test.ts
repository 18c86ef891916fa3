import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Attestation,
  cidOfDagCbor,
  decodeAttestation,
  encodeAttestation,
  isVersion2Attestation,
  MAX_ATTESTATION_BYTES,
  type ProtocolError,
  signAttestation,
  type UnsignedAttestation,
  validateAttestationShape,
  verifyAttestationSignature,
} from '../src/index.js'
import { errorCode, specKeyOrder, testStation, withoutField } from './helpers.js'
import { bindingOf, testParticipant } from './helpers-v2.js'

// Version-2 attestation fields (spec §13.3a): a measurement's three binding fields.
const key = testStation(1)
const who = testParticipant(1)
const committee = cidOfDagCbor(dagCbor.encode({ committee: 'result' }))
const unsigned: UnsignedAttestation = {
  protocolVersion: 2,
  network: 'devnet',
  round: 7,
  task: { cid: 'bafytesttask0', minerId: 'f01000' },
  stationId: key.stationId,
  committee,
  participant: who.address,
  bindingFromRound: 0,
  bindingSignature: bindingOf('devnet', who, key.stationId, 0),
}
const signed = signAttestation(unsigned, key)
const BINDING = ['participant', 'bindingFromRound', 'bindingSignature'] as const

describe('version-2 attestation codec', () => {
  it('round-trips with the binding, signed by the station', () => {
    const decoded = decodeAttestation(encodeAttestation(signed))
    expect(decoded).toEqual(signed)
    expect(isVersion2Attestation(decoded)).toBe(true)
    expect(verifyAttestationSignature(decoded)).toBe(true)
    // the binding is under the station's signature: another participant does not verify
    expect(verifyAttestationSignature({ ...signed, participant: testParticipant(2).address })).toBe(false)
    expect(verifyAttestationSignature({ ...signed, bindingFromRound: 1 })).toBe(false)
    expect(verifyAttestationSignature({ ...signed, bindingSignature: bindingOf('devnet', who, key.stationId, 1) })).toBe(false)
  })

  it('encodes its keys in the order spec §13.3a lists', () => {
    const keys = Object.keys(dagCbor.decode(encodeAttestation(signed)) as object)
    expect(keys).toEqual(specKeyOrder('### 13.3a', '### 13.4'))
  })

  it('round-trips any valid version-2 attestation (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 2 ** 40 }),
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        fc.stringMatching(/^0x[0-9a-f]{40}$/),
        (round, fromRound, bindingSignature, participant) => {
          const a = signAttestation({ ...unsigned, round, participant, bindingFromRound: fromRound, bindingSignature }, key)
          const again = decodeAttestation(encodeAttestation(a))
          expect(again).toEqual(a)
          expect(verifyAttestationSignature(again)).toBe(true)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('a changed byte decodes to an attestation that encodes back to it, or fails with ATTESTATION_MALFORMED (property)', () => {
    const bytes = encodeAttestation(signed)
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const changed = bytes.slice()
        changed[i] = (changed[i] as number) ^ x
        let decoded: Attestation
        try {
          decoded = decodeAttestation(changed)
        } catch (err) {
          expect((err as ProtocolError).code).toBe('ATTESTATION_MALFORMED')
          return
        }
        expect(encodeAttestation(decoded)).toEqual(changed)
        expect(verifyAttestationSignature(decoded)).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('version-2 attestation shape', () => {
  it('requires the three fields in version 2 and refuses them in version 1', () => {
    for (const name of BINDING)
      expect(errorCode(() => validateAttestationShape(withoutField(signed, name), true))).toBe('ATTESTATION_MALFORMED')
    const v1 = signAttestation({ ...(withoutField(signed, 'signature') as UnsignedAttestation), protocolVersion: 1 }, key)
    expect(v1).not.toHaveProperty('participant')
    expect(errorCode(() => validateAttestationShape(v1, true))).toBe('accepted')
    for (const name of BINDING) {
      expect(() => validateAttestationShape({ ...v1, [name]: signed[name] }, true)).toThrow(`unknown field "${name}"`)
      expect(errorCode(() => decodeAttestation(dagCbor.encode({ ...v1, [name]: signed[name] })))).toBe('ATTESTATION_MALFORMED')
    }
  })

  it('checks each field: participant form, bindingFromRound a uint, bindingSignature 65 bytes', () => {
    const bad: Array<Partial<Attestation>> = [
      { participant: who.address.toUpperCase().replace('0X', '0x') },
      { participant: who.address.slice(0, 41) },
      { bindingFromRound: -1 },
      { bindingFromRound: 1.5 },
      { bindingSignature: new Uint8Array(64) },
      { bindingSignature: new Uint8Array(66) },
    ]
    for (const o of bad) {
      expect(errorCode(() => validateAttestationShape({ ...signed, ...o }, true))).toBe('ATTESTATION_MALFORMED')
      expect(errorCode(() => decodeAttestation(dagCbor.encode({ ...signed, ...o })))).toBe('ATTESTATION_MALFORMED')
    }
    // a binding of a later round is well formed: the gossip validator refuses it (BINDING_INVALID), shape does not
    expect(errorCode(() => validateAttestationShape({ ...signed, bindingFromRound: signed.round + 1 }, true))).toBe('accepted')
  })

  it('fits in MAX_ATTESTATION_BYTES with every field at its limit (spec §13.3a: 850 bytes)', () => {
    const big = 2 ** 53 - 1
    const atLimits = {
      ...signed,
      protocolVersion: big,
      network: 'n'.repeat(63),
      round: big,
      task: { cid: 'c'.repeat(256), minerId: 'm'.repeat(64) },
      bindingFromRound: big,
    }
    expect(encodeAttestation(atLimits)).toHaveLength(850)
    expect(encodeAttestation({ ...atLimits, protocolVersion: 2 })).toHaveLength(842)
    const v1 = { ...(withoutField(atLimits, 'participant') as Attestation), protocolVersion: 1 }
    expect(
      encodeAttestation(withoutField(withoutField(v1, 'bindingFromRound') as Attestation, 'bindingSignature') as Attestation),
    ).toHaveLength(676)
    expect(850).toBeLessThanOrEqual(MAX_ATTESTATION_BYTES)
  })
})
