import { blake3 } from '@noble/hashes/blake3.js'
import { validateCatalogue } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { BLAKE3_CODE, buildCatalogue, generateContent, generateUnsupportedHashBlock } from '../src/index.js'
import { hashesTo } from './helpers.js'

describe('generateContent', () => {
  it('is deterministic per seed and yields raw and DAG-CBOR sha2-256 blocks that hash to their CIDs', async () => {
    const a = await generateContent({ seed: 'alpha', count: 12 })
    const b = await generateContent({ seed: 'alpha', count: 12 })
    const c = await generateContent({ seed: 'beta', count: 12 })
    expect(a.map((x) => x.cid.toString())).toEqual(b.map((x) => x.cid.toString()))
    expect(a.map((x) => x.cid.toString())).not.toEqual(c.map((x) => x.cid.toString()))
    expect(new Set(a.map((x) => x.cid.code))).toEqual(new Set([0x55, 0x71]))
    for (const block of a) {
      expect(block.cid.multihash.code).toBe(0x12)
      expect(await hashesTo(block.cid, block.bytes)).toBe(true)
      expect(block.bytes.length).toBeGreaterThanOrEqual(200)
      expect(block.bytes.length).toBeLessThanOrEqual(16 * 1024 + 64)
    }
  })

  it('honours rawShare and sizes', async () => {
    const raw = await generateContent({ seed: 's', count: 5, rawShare: 1, sizes: { min: 10, max: 10 } })
    expect(raw.every((b) => b.cid.code === 0x55 && b.bytes.length === 10)).toBe(true)
    const cbor = await generateContent({ seed: 's', count: 5, rawShare: 0 })
    expect(cbor.every((b) => b.cid.code === 0x71)).toBe(true)
  })

  it('makes a BLAKE3-addressed block for the unsupported-hash case', () => {
    const block = generateUnsupportedHashBlock({ seed: 'x', size: 300 })
    expect(block.cid.multihash.code).toBe(BLAKE3_CODE)
    expect(Buffer.from(block.cid.multihash.digest).equals(Buffer.from(blake3(block.bytes)))).toBe(true)
  })
})

describe('buildCatalogue', () => {
  it('builds a valid protocol catalogue', async () => {
    const blocks = await generateContent({ seed: 'cat', count: 3 })
    const catalogue = buildCatalogue(blocks.map((b) => ({ cid: b.cid, minerId: 'f01000', providerId: '12D3KooWx' })))
    expect(validateCatalogue(catalogue).entries).toHaveLength(3)
    expect(catalogue.entries[0]).toEqual({ cid: blocks[0]!.cid.toString(), minerId: 'f01000', providerId: '12D3KooWx' })
  })
})
