import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { sendHttp } from '@spark-swarm/http'
import { CID } from 'multiformats/cid'
import { base64, type ProviderRecord, toProviderResultJson } from './ipni-records.js'
import { type Listener, LOOPBACK, startListener } from './listener.js'
import type { FakeProvider } from './provider.js'

export type IpniMode = { kind: 'normal' } | { kind: 'error'; status: number } | { kind: 'slow'; delayMs: number } | { kind: 'malformed' }

export interface FakeIpni {
  readonly url: string
  readonly mode: IpniMode
  /** Lookups received, all modes included. */
  readonly requests: number
  /** Add (or replace: same peer, protocol and context id) a provider record for `cid`'s multihash. */
  announce(cid: CID, record: ProviderRecord): void
  setMode(mode: IpniMode): void
  stop(): Promise<void>
}

/**
 * An IPNI indexer answering `GET /cid/{cid}` in cid.contact's JSON shape. Records are keyed by the
 * CID's multihash, as IPNI indexes them, so any CID version or codec of the same bytes matches.
 * An unknown multihash is 404, like cid.contact.
 */
export async function startFakeIpni(options: { host?: string } = {}): Promise<FakeIpni> {
  const records = new Map<string, ProviderRecord[]>()
  let mode: IpniMode = { kind: 'normal' }
  let requests = 0
  const stopping = new AbortController()

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests++
    if (mode.kind === 'slow') {
      const aborted = await sleep(mode.delayMs, false, { signal: stopping.signal }).catch(() => true)
      if (aborted) return void res.destroy()
    }
    if (mode.kind === 'error') return send(res, mode.status, 'text/plain', `devnet IPNI error mode\n`)
    if (mode.kind === 'malformed') return send(res, 200, 'application/json', '{"MultihashResults":[{"Multihash":')
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'only GET is supported\n')
    const match = /^\/cid\/([^/?]+)$/.exec(new URL(req.url ?? '/', 'http://ipni.invalid').pathname)
    if (match === null) return send(res, 404, 'text/plain', 'not found\n')
    let cid: CID
    try {
      cid = CID.parse(decodeURIComponent(match[1]!))
    } catch {
      return send(res, 400, 'text/plain', 'invalid cid\n')
    }
    const found = records.get(key(cid))
    if (found === undefined || found.length === 0) return send(res, 404, 'text/plain', 'no results for query\n')
    const body = {
      MultihashResults: [{ Multihash: base64(cid.multihash.bytes), ProviderResults: found.map(toProviderResultJson) }],
    }
    send(res, 200, 'application/json', JSON.stringify(body))
  }

  const listener: Listener = await startListener(handle, options.host ?? LOOPBACK)
  return {
    url: listener.url,
    get mode() {
      return mode
    },
    get requests() {
      return requests
    },
    announce(cid, record) {
      const list = records.get(key(cid)) ?? []
      const contextId = base64(record.contextId ?? new Uint8Array(0))
      const same = (r: ProviderRecord) =>
        r.peerId === record.peerId && r.protocol === record.protocol && base64(r.contextId ?? new Uint8Array(0)) === contextId
      records.set(key(cid), [...list.filter((r) => !same(r)), record])
    },
    setMode(next) {
      mode = next
    },
    async stop() {
      stopping.abort()
      await listener.close()
    },
  }
}

export interface AnnounceProtocols {
  http?: boolean
  bitswap?: boolean
  graphsync?: boolean
}

/**
 * Announces `cids` for `provider` with one record per protocol: http (the gateway's `/http`
 * multiaddr) and bitswap by default, graphsync on request (at the libp2p addresses; there is no
 * graphsync server behind it, which is the point: graphsync-only content is HTTP_NOT_ADVERTISED).
 * Bitswap and graphsync addresses are listed without `/p2p/<id>`, as on cid.contact.
 */
export function announceProvider(ipni: FakeIpni, provider: FakeProvider, cids: readonly CID[], protocols: AnnounceProtocols = {}): void {
  const { http = true, bitswap = true, graphsync = false } = protocols
  const contextId = new TextEncoder().encode(`devnet/${provider.minerId}`)
  const libp2pAddrs = provider.libp2pMultiaddrs.map((a) => a.replace(/\/p2p\/[^/]+$/, ''))
  for (const cid of cids) {
    if (http) ipni.announce(cid, { peerId: provider.peerId, addrs: [provider.httpMultiaddr], protocol: 'http', contextId })
    if (bitswap) ipni.announce(cid, { peerId: provider.peerId, addrs: libp2pAddrs, protocol: 'bitswap', contextId })
    if (graphsync) ipni.announce(cid, { peerId: provider.peerId, addrs: libp2pAddrs, protocol: 'graphsync', contextId })
  }
}

function key(cid: CID): string {
  return base64(cid.multihash.bytes)
}

/** The fakes answer without content-length (chunked), as they always have. */
function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  sendHttp(res, status, contentType, body, { contentLength: false })
}
