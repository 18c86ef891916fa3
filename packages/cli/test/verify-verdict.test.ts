import { verifyRoundBlocks } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { verdictLine } from '../src/commands/verify-verdict.js'

const DAG_CBOR = 0x71

describe('verify’s verdict line', () => {
  it('a summary block that is missing says its round is unknown, never "round null of null"', async () => {
    const root = CID.createV1(DAG_CBOR, await sha256.digest(new TextEncoder().encode('not in the export')))
    const result = verifyRoundBlocks(root, new Map())
    expect(result.ok).toBe(false)
    const line = verdictLine(result)
    expect(line).toBe(`NOT verified: summary ${root} cannot be read, so its round and network are unknown`)
    expect(result.problems.join('\n')).toMatch(/missing summary block/)
  })

  it('a summary block that does not decode is SUMMARY_MALFORMED (verify says "not a round export")', async () => {
    const garbage = new Uint8Array([0xff, 0x00, 0x13])
    const root = CID.createV1(DAG_CBOR, await sha256.digest(garbage))
    expect(() => verifyRoundBlocks(root, new Map([[root.toString(), garbage]]))).toThrow(
      expect.objectContaining({ code: 'SUMMARY_MALFORMED' }),
    )
  })

  it('a readable summary names its round and network', () => {
    const line = verdictLine({
      ok: false,
      summaryCid: 'bafyexample',
      recomputedCid: null,
      round: 700_000,
      network: 'devnet',
      problems: ['the randomness is not the local beacon of this round'],
      notes: [],
      evaluation: null,
      admission: null,
      params: null,
    })
    expect(line).toBe('NOT verified: round 700000 of devnet, summary bafyexample')
  })
})
