import { validateCatalogue } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateUnsupportedHashBlock, type OutsideWorld, startOutsideWorld } from '../src/index.js'
import { getCar, readCar } from './helpers.js'

let world: OutsideWorld
beforeAll(async () => {
  world = await startOutsideWorld({
    seed: 'world',
    blocksPerProvider: 3,
    providers: [
      { minerId: 'f01000', profile: { kind: 'healthy' }, extraBlocks: [generateUnsupportedHashBlock({ seed: 'world' })] },
      { minerId: 'f01001', profile: { kind: 'http-5xx', status: 502 } },
      { minerId: 'f01002', profile: { kind: 'healthy' }, protocols: { http: false, bitswap: false, graphsync: true } },
    ],
  })
})
afterAll(async () => {
  await world?.stop()
})

describe('startOutsideWorld', () => {
  it('starts providers with content, a catalogue naming their peer ids, and the chain RPC mapping', async () => {
    expect(world.providers).toHaveLength(3)
    expect(world.blocks).toHaveLength(10)
    const catalogue = validateCatalogue(world.catalogue)
    expect(catalogue.entries).toHaveLength(10)
    for (const entry of catalogue.entries) {
      expect(entry.providerId).toBe(world.providers.find((p) => p.minerId === entry.minerId)!.peerId)
    }
    const res = await fetch(world.rpcUrl, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.StateMinerInfo', params: ['f01001', null] }),
    })
    expect(((await res.json()) as { result: { PeerId: string } }).result.PeerId).toBe(world.providers[1]!.peerId)
  })

  it('announces every block to the IPNI and serves it per profile', async () => {
    for (const block of world.blocks) {
      const res = await fetch(`${world.ipniUrl}/cid/${block.cid}`)
      expect(res.status).toBe(200)
    }
    const healthy = world.blocks.find((b) => b.minerId === 'f01000')!
    const car = await readCar(new Uint8Array(await (await getCar(world.providers[0]!.gatewayUrl, healthy.cid)).arrayBuffer()))
    expect(car.blocks[0]!.bytes).toEqual(healthy.bytes)
    const broken = world.blocks.find((b) => b.minerId === 'f01001')!
    expect((await getCar(world.providers[1]!.gatewayUrl, broken.cid)).status).toBe(502)
  })

  it('is deterministic in content for a seed', async () => {
    const again = await startOutsideWorld({
      seed: 'world',
      blocksPerProvider: 3,
      providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    })
    try {
      expect(again.blocks.map((b) => b.cid.toString())).toEqual(
        world.blocks
          .filter((b) => b.minerId === 'f01000')
          .slice(0, 3)
          .map((b) => b.cid.toString()),
      )
    } finally {
      await again.stop()
    }
  })
})
