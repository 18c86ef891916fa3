import type { Helia as HeliaInterface, Router } from '@helia/interface'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { Libp2p, ServiceMap } from '@libp2p/interface'
import type { HeliaInit } from 'helia'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { userAgent } from 'libp2p/user-agent'

/*
 * `createHeliaLight` and `withLibp2pLight` without `helia`'s and `@helia/libp2p`'s package
 * indexes. Both indexes import `libp2pDefaults`, which statically imports WebRTC, WebSockets,
 * TLS, auto-TLS, mDNS, HTTP and delegated routing: about 60 MB of RSS per process that a checker
 * node never runs (its idle RSS target is 150 MB; bench/README.md, the swarm bench). The two
 * modules it needs are loaded past the indexes, by file: the Helia class (`helia/…/helia.js`) and
 * the libp2p router (`@helia/libp2p/…/routing.js`); the packages' export maps list neither. If a
 * helia release moves them, importing this file fails at once (helia-light.test.ts), and this is
 * the file to fix. Types come from the packages as usual (erased at run time).
 */

type HeliaClass = new (init: HeliaInit & { name: string; version: string }) => HeliaInterface
const besideIndex = (pkg: string, file: string) => new URL(file, import.meta.resolve(pkg)).href
const { Helia } = (await import(besideIndex('helia', './helia.js'))) as { Helia: HeliaClass }
const { libp2pRouting } = (await import(besideIndex('@helia/libp2p', './routing.js'))) as { libp2pRouting: (libp2p: Libp2p) => Router }

/** helia's `createHeliaLight`: a Helia with the given stores and no networking. */
export function createHeliaLight(init: Partial<HeliaInit> = {}): HeliaInterface {
  return new Helia({ name: 'helia', version: HELIA_VERSION, ...init } as HeliaInit & { name: string; version: string })
}

/** The helia release the file paths above were checked against (package.json pins it). */
export const HELIA_VERSION = '7.1.15'

/**
 * `@helia/libp2p`'s `withLibp2pLight`: Helia with a libp2p built from `opts` alone, started and
 * stopped with it, routing through it. (The original also copies what other routers find into
 * the peer store; a node has no other router.)
 */
export function withLibp2pLight<H extends HeliaInterface, M extends ServiceMap = ServiceMap>(
  helia: H,
  opts: Libp2pOptions<M>,
): H & HeliaWithLibp2p<M> {
  let libp2p: Libp2p<M> | undefined
  Object.defineProperty(helia, 'libp2p', {
    configurable: true,
    enumerable: true,
    get() {
      if (!libp2p) throw new Error('helia is not started: libp2p does not exist yet')
      return libp2p
    },
  })
  helia.addMixin({
    name: 'libp2p',
    start: async () => {
      if (!libp2p) {
        libp2p = await createLibp2p({
          ...opts,
          nodeInfo: {
            name: helia.info.name,
            version: helia.info.version,
            userAgent: `${helia.info.name}/${helia.info.version} ${userAgent()}`,
            ...opts.nodeInfo,
          },
          datastore: opts.datastore ?? helia.datastore,
        })
        if (!helia.hasRouter('libp2p-router')) helia.addRouter(libp2pRouting(libp2p))
      }
      await libp2p.start()
    },
    stop: async () => {
      await libp2p?.stop()
    },
  })
  return helia as H & HeliaWithLibp2p<M>
}
