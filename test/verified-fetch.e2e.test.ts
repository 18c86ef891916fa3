import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { createRetrievalChecker, createStaticMinerResolver } from '@spark-swarm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifiedFetchFrom } from './verified-fetch-client.js'

// An independent client, @helia/verified-fetch (over helia's trustless-gateway client), fetches
// the devnet providers' content: it must agree with our retrieval check, which shows that the fake
// provider speaks the real trustless-gateway protocol and that our verdicts are not self-made.
let world: OutsideWorld

beforeAll(async () => {
  world = await startOutsideWorld({
    seed: 'verified-fetch agreement',
    blocksPerProvider: 3,
    providers: [
      { minerId: 'f03000', profile: { kind: 'healthy' } },
      { minerId: 'f03001', profile: { kind: 'wrong-bytes' } },
    ],
  })
}, 30_000)
afterAll(async () => world?.stop())

describe('@helia/verified-fetch agrees with our check', () => {
  for (const [minerId, ours, theirsOk] of [
    ['f03000', 'OK', true],
    ['f03001', 'CONTENT_VERIFICATION_FAILED', false],
  ] as const) {
    it(`${minerId}: ours ${ours}, verified-fetch ${theirsOk ? 'gets the exact bytes' : 'refuses the bytes'}`, async () => {
      const provider = world.providers.find((p) => p.minerId === minerId)!
      const checker = createRetrievalChecker(
        { idleTimeoutMs: 2_000, hardTimeoutMs: 5_000, ipni: { retries: 0 } },
        {
          minerResolver: createStaticMinerResolver(world.catalogue.entries as Array<{ minerId: string; providerId: string }>),
          indexerUrl: world.ipniUrl,
        },
      )
      const { vfetch, helia } = await verifiedFetchFrom(provider.gatewayUrl)
      try {
        for (const block of world.blocks.filter((b) => b.minerId === minerId)) {
          const outcome = await checker.check({ cid: block.cid.toString(), minerId })
          expect(outcome.kind === 'measurement' && outcome.fields.retrievalResult).toBe(ours)
          let bytes: Uint8Array | undefined
          try {
            const res = await vfetch(`ipfs://${block.cid}`, {
              headers: { accept: 'application/vnd.ipld.raw' },
              signal: AbortSignal.timeout(theirsOk ? 5_000 : 2_000),
            })
            if (res.ok) bytes = new Uint8Array(await res.arrayBuffer())
          } catch {
            bytes = undefined
          }
          if (theirsOk) expect(bytes).toEqual(block.bytes)
          else expect(bytes).toBeUndefined()
        }
      } finally {
        await vfetch.stop()
        await helia.stop()
      }
    })
  }
})
