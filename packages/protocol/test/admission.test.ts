import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AdmissionParams,
  bindingText,
  delegatedFromEthAddress,
  devnet,
  eligibilityHeight,
  eligibleFromTime,
  FILECOIN_ADMISSION,
  FILECOIN_EPOCH_MS,
  FILECOIN_GENESIS_MS,
  fromHex,
  mainnet,
  meetsDeposit,
  ProtocolError,
  type ProtocolParams,
  paramsDigest,
  participantFromAddress,
  participantOfPrivateKey,
  recoverPersonalSigner,
  type StationBinding,
  signBinding,
  toHex,
  validateParams,
  verifyBinding,
} from '../src/index.js'

// Signatures made by an independent implementation (ethers' Wallet.signMessage), kept in the repository
const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/protocol/admission-bindings.json', import.meta.url), 'utf8')) as {
  personalSign: Array<{ privateKey: string; text: string; signer: string; signature: string }>
  bindings: Array<{ privateKey: string; binding: StationBinding; text: string; signature: string }>
}

const STATION = `302a300506032b6570032100${'ab'.repeat(32)}`
const v2 = (admission: unknown = FILECOIN_ADMISSION) => ({ ...mainnet, protocolVersion: 2, admission }) as ProtocolParams
const invalidKey = (params: unknown) => {
  try {
    validateParams(params as ProtocolParams)
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    return (err as ProtocolError).meta.key
  }
  return undefined
}

describe('station bindings (spec §13.2)', () => {
  it('recovers the signer of wallet signatures (EIP-191 personal_sign, made by ethers)', () => {
    for (const v of vectors.personalSign) {
      expect(recoverPersonalSigner(v.text, fromHex(v.signature))).toBe(v.signer)
      expect(participantOfPrivateKey(fromHex(v.privateKey))).toBe(v.signer)
    }
  })

  it('accepts the bindings a wallet signed, and signs the same bytes itself', () => {
    for (const v of vectors.bindings) {
      expect(bindingText(v.binding)).toBe(v.text)
      expect(verifyBinding(v.binding, fromHex(v.signature))).toBe(true)
      expect(toHex(signBinding(v.binding, fromHex(v.privateKey)))).toBe(v.signature)
    }
  })

  it('refuses a binding whose any field or byte differs, a high s, and a bad v', () => {
    const v = vectors.bindings[0] as (typeof vectors.bindings)[number]
    const sig = fromHex(v.signature)
    for (const changed of [
      { ...v.binding, network: 'devnet' },
      { ...v.binding, stationId: STATION.replace('ab', 'cd') },
      { ...v.binding, fromRound: v.binding.fromRound + 1 },
      { ...v.binding, participant: `0x${'00'.repeat(20)}` },
      { ...v.binding, participant: v.binding.participant.toUpperCase().replace('0X', '0x') },
    ])
      expect(verifyBinding(changed, sig)).toBe(false)
    // the mirrored signature (n − s, flipped v) recovers the same key: refused so a binding has one byte form
    const n = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')
    const s = BigInt(`0x${v.signature.slice(64, 128)}`)
    const high = fromHex(`${v.signature.slice(0, 64)}${(n - s).toString(16).padStart(64, '0')}${sig[64] === 27 ? '1c' : '1b'}`)
    expect(verifyBinding(v.binding, high)).toBe(false)
    for (const badV of [2, 26, 29, 255]) expect(verifyBinding(v.binding, new Uint8Array([...sig.subarray(0, 64), badV]))).toBe(false)
    // v as 0/1 is the same signature
    expect(verifyBinding(v.binding, new Uint8Array([...sig.subarray(0, 64), (sig[64] as number) - 27]))).toBe(true)
    expect(verifyBinding(v.binding, sig.subarray(0, 64))).toBe(false)
    expect(verifyBinding(v.binding, new Uint8Array(65))).toBe(false)
  })

  it('round-trips any key and binding, and a signature binds only its own binding (property)', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0) && k[0] !== 0xff)
    const binding = fc.record({
      network: fc.constantFrom('mainnet', 'devnet', 'x-1'),
      stationId: fc.constant(STATION),
      fromRound: fc.nat({ max: 2 ** 40 }),
    })
    fc.assert(
      fc.property(key, binding, fc.nat({ max: 2 ** 40 }), (k, b, otherRound) => {
        const full = { ...b, participant: participantOfPrivateKey(k) }
        const sig = signBinding(full, k)
        expect(verifyBinding(full, sig)).toBe(true)
        if (otherRound !== b.fromRound) expect(verifyBinding({ ...full, fromRound: otherRound }, sig)).toBe(false)
      }),
      { numRuns: 40 },
    )
  })
})

describe('participant addresses (spec §13.6)', () => {
  it('maps f410f to 0x and back (the pair from spark-evaluate tests)', () => {
    const participant = '0x52963ef50e27e06d72d59fcb4f3c2a687be3cfef'
    expect(participantFromAddress('f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa')).toBe(participant)
    expect(delegatedFromEthAddress(participant)).toBe('f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa')
    expect(delegatedFromEthAddress(participant, 't')).toBe('t410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa')
    expect(participantFromAddress('0x52963EF50e27e06D72D59fcB4F3c2a687BE3cfEf')).toBe(participant)
    expect(() => delegatedFromEthAddress('0x52963EF50e27e06D72D59fcB4F3c2a687BE3cfEf')).toThrow(/40 lowercase hex digits/)
  })

  it('round-trips every 20-byte address (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        fc.pre(!(bytes[0] === 0xff && bytes.slice(1, 12).every((b) => b === 0)))
        const participant = `0x${toHex(bytes)}`
        expect(participantFromAddress(delegatedFromEthAddress(participant))).toBe(participant)
      }),
    )
  })
})

describe('eligibility height (spec §13.4)', () => {
  const a: AdmissionParams = FILECOIN_ADMISSION

  it('reads the state a finality behind the round start, rounded down to the window', () => {
    const t = Date.UTC(2026, 11, 6)
    const epoch = Math.floor((t - FILECOIN_GENESIS_MS) / FILECOIN_EPOCH_MS)
    const h = eligibilityHeight(a, t) as number
    expect(h % a.windowEpochs).toBe(0)
    expect(h).toBeLessThanOrEqual(epoch - a.finalityEpochs)
    expect(h).toBeGreaterThan(epoch - a.finalityEpochs - a.windowEpochs)
    expect(eligibilityHeight(a, FILECOIN_GENESIS_MS)).toBeNull()
    expect(eligibilityHeight(a, FILECOIN_GENESIS_MS + 900 * FILECOIN_EPOCH_MS)).toBe(0)
  })

  it('is final before the round it decides, never decreases, and changes once a window (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 10 ** 9 }), (offset, later) => {
        const t = FILECOIN_GENESIS_MS + offset
        const h = eligibilityHeight(a, t)
        const h2 = eligibilityHeight(a, t + later)
        if (h === null) return
        // the state read is at least a finality older than the round's start: its seed cannot have been known
        expect(FILECOIN_GENESIS_MS + (h + a.finalityEpochs) * a.epochDurationMs).toBeLessThanOrEqual(t)
        expect(h2 as number).toBeGreaterThanOrEqual(h)
      }),
    )
  })

  it('says from when a new deposit counts: exactly the first round start whose height reaches it (property)', () => {
    const small: AdmissionParams = { ...a, chainGenesisTime: 5_000, epochDurationMs: 1_000, finalityEpochs: 7, windowEpochs: 4 }
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), (funded) => {
        const from = eligibleFromTime(small, funded)
        expect(eligibilityHeight(small, from) as number).toBeGreaterThanOrEqual(funded)
        const before = eligibilityHeight(small, from - 1)
        if (before !== null) expect(before).toBeLessThan(funded)
      }),
    )
    // Filecoin mainnet: a deposit at a window's first epoch counts 7.5 h later; one epoch later, a day more
    expect(eligibleFromTime(a, 2880 * 1000) - (FILECOIN_GENESIS_MS + 2880 * 1000 * FILECOIN_EPOCH_MS)).toBe(900 * FILECOIN_EPOCH_MS)
    expect(eligibleFromTime(a, 2880 * 1000 + 1) - eligibleFromTime(a, 2880 * 1000)).toBe(2880 * FILECOIN_EPOCH_MS)
  })

  it('compares balances as whole attoFIL beyond 2^53', () => {
    expect(meetsDeposit(a, '10000000000000000000')).toBe(true)
    expect(meetsDeposit(a, '9999999999999999999')).toBe(false)
    expect(meetsDeposit(a, 10n ** 30n)).toBe(true)
  })
})

describe('version-2 params (spec §13.1)', () => {
  it('requires admission in version 2 and refuses it in version 1; version-1 digests do not change', () => {
    expect(validateParams(v2())).toEqual(v2())
    expect(invalidKey({ ...mainnet, protocolVersion: 2 })).toBe('admission')
    expect(invalidKey({ ...devnet, admission: FILECOIN_ADMISSION })).toBe('admission')
    expect(invalidKey({ ...mainnet, protocolVersion: 3 })).toBe('protocolVersion')
    expect(paramsDigest(v2())).not.toBe(paramsDigest(mainnet))
    // the v1 vectors' digest of mainnet is unchanged by the new optional key
    const known = JSON.parse(readFileSync(new URL('../../../test/vectors/protocol/v1.json', import.meta.url), 'utf8'))
    expect(paramsDigest(mainnet)).toBe(known.paramsDigest.mainnet)
  })

  it('names the bad admission field', () => {
    expect(invalidKey(v2({ ...FILECOIN_ADMISSION, type: 'stake' }))).toBe('admission.type')
    expect(invalidKey(v2({ ...FILECOIN_ADMISSION, minDepositAttoFil: 10 }))).toBe('admission.minDepositAttoFil')
    expect(invalidKey(v2({ ...FILECOIN_ADMISSION, minDepositAttoFil: '01' }))).toBe('admission.minDepositAttoFil')
    expect(invalidKey(v2({ ...FILECOIN_ADMISSION, windowEpochs: 0 }))).toBe('admission.windowEpochs')
    expect(invalidKey(v2({ ...FILECOIN_ADMISSION, finalityEpochs: -1 }))).toBe('admission.finalityEpochs')
    expect(invalidKey(v2({ ...FILECOIN_ADMISSION, extra: 1 }))).toBe('admission.extra')
    expect(invalidKey(v2([]))).toBe('admission')
  })
})
