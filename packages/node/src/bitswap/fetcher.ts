import { createHash } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { STATUS } from '@spark-swarm/protocol'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { createHeliaLight, withLibp2pLight } from '../node/peers/helia-light.js'
import { HARD_TIMEOUT_MS } from '../retrieval/constants.js'
import type { BitswapFetchOptions, BitswapResult } from '../retrieval/types.js'

/** Fetches one block from one provider over bitswap, verifying it against its CID. */
export interface BitswapFetcher {
  fetch(address: string, cid: string, options?: BitswapFetchOptions): Promise<BitswapResult>
  stop(): Promise<void>
}

export interface BitswapFetcherInit {
  /** Listen addresses of the client's libp2p host; none by default (it only dials). */
  listen?: string[]
  clock?: () => number
}

/** Bitswap delivers a block whole, so there is one limit: Spark's hard 90 s. */
const DEFAULT_TIMEOUT_MS = HARD_TIMEOUT_MS

/**
 * A light libp2p host (TCP, noise, yamux, identify: nothing public, no discovery) with helia's
 * bitswap and a memory blockstore. Each fetch dials the advertised address first, so a refused
 * connection is reported as such rather than as a silent timeout, then wants the block from that
 * provider only; helia checks the bytes against the CID before handing them over, and the block is
 * dropped afterwards so that every check really asks the provider.
 */
export async function createBitswapFetcher(init: BitswapFetcherInit = {}): Promise<BitswapFetcher> {
  const clock = init.clock ?? Date.now
  const blockstore = new MemoryBlockstore()
  const helia = withBitswap(
    withLibp2pLight(createHeliaLight({ blockstore, datastore: new MemoryDatastore() }), {
      addresses: { listen: init.listen ?? [] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    }),
  )
  await helia.start()

  return {
    async fetch(address, cidText, options = {}) {
      const startAt = clock()
      const signal = AbortSignal.any([
        AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        ...(options.signal ? [options.signal] : []),
      ])
      const failed = (statusCode: number, timeout = false): BitswapResult => ({
        statusCode: timeout ? null : statusCode,
        timeout,
        byteLength: null,
        carChecksum: null,
        startAt,
        firstByteAt: null,
        endAt: clock(),
      })
      let cid: CID
      let ma: ReturnType<typeof multiaddr>
      try {
        cid = CID.parse(cidText)
        ma = multiaddr(address)
      } catch {
        return failed(STATUS.UNSUPPORTED_MULTIADDR_PROTO)
      }
      try {
        await helia.libp2p.dial(ma, { signal })
      } catch (err) {
        if (signal.aborted) return failed(STATUS.UNKNOWN_FETCH_ERROR, options.signal?.aborted !== true)
        return failed(
          /ECONNREFUSED/.test(String((err as Error)?.message) + String((err as { cause?: Error })?.cause?.message))
            ? STATUS.CONNECTION_REFUSED
            : STATUS.UNKNOWN_FETCH_ERROR,
        )
      }
      try {
        const chunks: Uint8Array[] = []
        for await (const chunk of helia.blockstore.get(cid, { providers: [ma], signal })) chunks.push(chunk)
        const firstByteAt = clock()
        const bytes = Buffer.concat(chunks)
        await blockstore.delete(cid)
        return {
          statusCode: 200,
          timeout: false,
          byteLength: bytes.length,
          carChecksum: `1220${createHash('sha256').update(bytes).digest('hex')}`,
          startAt,
          firstByteAt,
          endAt: clock(),
        }
      } catch (err) {
        if (signal.aborted) return failed(STATUS.UNKNOWN_FETCH_ERROR, options.signal?.aborted !== true)
        // helia refuses to fetch what it cannot verify
        if (/hash|hasher/i.test((err as Error)?.name ?? '') || /hasher/i.test((err as Error)?.message ?? '')) {
          return failed(STATUS.UNSUPPORTED_CID_HASH_ALGO)
        }
        return failed(STATUS.UNKNOWN_FETCH_ERROR)
      }
    },
    async stop() {
      await helia.stop()
    },
  }
}
