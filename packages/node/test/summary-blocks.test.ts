import { cidOfDagCbor, devnet } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { PUTS_IN_FLIGHT, putSummaryBlocks } from '../src/node/anchor/summary-blocks.js'

const block = (i: number) => {
  const bytes = new TextEncoder().encode(`block ${i}`)
  return { cid: cidOfDagCbor(bytes), bytes }
}
const blocks = Array.from({ length: 40 }, (_, i) => block(i))
const catalogue = { entries: [{ cid: 'bafytesttask0', minerId: 'f01000' }] }
const input = {
  params: devnet,
  catalogue,
  catalogueCid: block(-1).cid,
  built: { blocks } as never,
  measurements: [],
}
const where = () => ({ storePath: '/data/node.sqlite', round: 3, signal: new AbortController().signal })

describe('putSummaryBlocks', () => {
  it('writes every block, PUTS_IN_FLIGHT at a time at most', async () => {
    const written = new Set<string>()
    let inFlight = 0
    let most = 0
    const sink = {
      async put(cid: { toString(): string }) {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((resolve) => setImmediate(resolve))
        written.add(cid.toString())
        inFlight--
      },
    }
    await putSummaryBlocks(sink, input, where())
    // the params, the catalogue, and the summary's blocks
    expect(written.size).toBe(blocks.length + 2)
    for (const b of blocks) expect(written.has(b.cid.toString())).toBe(true)
    expect(most).toBe(PUTS_IN_FLIGHT)
  })

  it("names the blockstore's directory when a write fails", async () => {
    const sink = {
      async put() {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      },
    }
    await expect(putSummaryBlocks(sink, input, where())).rejects.toMatchObject({ code: 'STORE_DISK_FULL', path: '/data/blocks' })
  })
})
