import { readFileSync } from 'node:fs'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { describe, expect, it } from 'vitest'
import { createHeliaLight, HELIA_VERSION, withLibp2pLight } from '../src/node/peers/helia-light.js'

/*
 * helia-light.ts loads two of helia's modules past their package indexes (which would load
 * WebRTC, TLS and the rest of libp2p's defaults). These tests fail when a helia release moves them.
 */
describe('helia without its package indexes', () => {
  it('is checked against the installed helia', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.resolve('helia')), 'utf8'))
    expect(pkg.version).toBe(HELIA_VERSION)
  })

  it('starts a libp2p of the given options only, routes through it, and stops it', async () => {
    const helia = withLibp2pLight(createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }), {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    })
    await helia.start()
    try {
      expect(
        helia.libp2p
          .getMultiaddrs()
          .map(String)
          .every((a) => a.startsWith('/ip4/127.0.0.1/tcp/')),
      ).toBe(true)
      expect(helia.libp2p.getProtocols().some((p) => p.includes('webrtc') || p.includes('/tls/'))).toBe(false)
      expect(helia.hasRouter('libp2p-router')).toBe(true)
    } finally {
      await helia.stop()
    }
    expect(helia.libp2p.status).toBe('stopped')
  })
})
