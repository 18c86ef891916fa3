import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PrivateKey } from '@libp2p/interface'
import { FsBlockstore } from 'blockstore-fs'
import type { CID } from 'multiformats/cid'
import { type BitswapPeer, startBitswapPeer } from './bitswap-peer.js'
import { concat } from './car.js'
import type { ContentBlock } from './content.js'
import { GatedBlockstore } from './gated-blockstore.js'
import { createGatewayHandler, type ProviderRequests } from './gateway.js'
import { type Listener, LOOPBACK, startListener } from './listener.js'
import { bitswapBehaviour, EvenSpread, HEALTHY, type ProviderProfile, validateProfile } from './profiles.js'

export interface FakeProviderOptions {
  /** The Filecoin miner actor id this provider plays, e.g. `f01234`. */
  minerId: string
  profile?: ProviderProfile
  blocks: readonly ContentBlock[]
  /** Blockstore directory; a fresh temporary one (deleted by stop()) when omitted. */
  dataDir?: string
  host?: string
  /** The bitswap host's identity (see providerKeyFromSeed); a fresh peer id on every start when omitted. */
  privateKey?: PrivateKey
}

export interface FakeProvider {
  readonly minerId: string
  /** The libp2p peer id, as IPNI and StateMinerInfo report it. */
  readonly peerId: string
  /** `/ip4/127.0.0.1/tcp/<port>/http`, the address IPNI advertises for the gateway. */
  readonly httpMultiaddr: string
  /** The bitswap host's listen addresses, each ending in `/p2p/<peerId>`. */
  readonly libp2pMultiaddrs: string[]
  readonly gatewayUrl: string
  readonly profile: ProviderProfile
  readonly blocks: readonly ContentBlock[]
  readonly requests: ProviderRequests
  /** Switch behaviour at runtime; resets the flaky counters; `refuse` closes the port, leaving it reopens it. */
  setProfile(profile: ProviderProfile): Promise<void>
  stop(): Promise<void>
}

/**
 * A storage provider on loopback: its blocks in a real on-disk blockstore, served over a trustless
 * HTTP gateway and over bitswap by its own libp2p host, both following `profile`.
 *
 * @example
 * const sp = await startFakeProvider({ minerId: 'f01000', blocks, profile: { kind: 'http-5xx', status: 502 } })
 * await fetch(`${sp.gatewayUrl}/ipfs/${blocks[0].cid}?dag-scope=block`, { headers: { accept: 'application/vnd.ipld.car' } })
 * await sp.stop()
 */
export async function startFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  let profile = validateProfile(options.profile ?? HEALTHY)
  let spreads = newSpreads(profile)
  const requests: ProviderRequests = { get: 0, head: 0, bitswap: 0 }
  const stopping = new AbortController()
  const cleanups: Array<() => Promise<void>> = []
  const cleanup = async () => {
    stopping.abort()
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {})
  }

  try {
    const store = await openProviderStore(options, cleanups)
    const listener: Listener = await startListener(
      createGatewayHandler({
        profile: () => profile,
        flaky: (method) => spreads[method],
        getBlock: (cid) => readBlock(store, cid),
        requests,
        signal: stopping.signal,
      }),
      options.host ?? LOOPBACK,
    )
    cleanups.push(() => listener.close())
    if (profile.kind === 'refuse') await listener.refuse()

    const mayServe = bitswapGate({ profile: () => profile, spread: () => spreads.bitswap, requests, signal: stopping.signal })
    const peer: BitswapPeer = await startBitswapPeer({
      blockstore: new GatedBlockstore(store, mayServe),
      host: options.host,
      privateKey: options.privateKey,
    })
    cleanups.push(async () => {
      await peer.stop()
    })

    return {
      minerId: options.minerId,
      peerId: peer.libp2p.peerId.toString(),
      httpMultiaddr: `/ip4/${listener.host}/tcp/${listener.port}/http`,
      libp2pMultiaddrs: peer.libp2p.getMultiaddrs().map((ma) => ma.toString()),
      gatewayUrl: listener.url,
      get profile() {
        return profile
      },
      blocks: options.blocks,
      requests,
      async setProfile(next) {
        validateProfile(next)
        const previous = profile
        profile = next
        spreads = newSpreads(next)
        if (next.kind === 'refuse') await listener.refuse()
        else if (previous.kind === 'refuse') await listener.accept()
      },
      stop: cleanup,
    }
  } catch (err) {
    await cleanup()
    throw err
  }
}

/** The provider's on-disk blockstore holding `blocks`; its closing (and a temp dir's removal) pushed onto `cleanups`. */
async function openProviderStore(options: FakeProviderOptions, cleanups: Array<() => Promise<void>>): Promise<FsBlockstore> {
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'spark-devnet-sp-')))
  if (options.dataDir === undefined) cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const store = new FsBlockstore(dir)
  await store.open()
  cleanups.push(() => store.close())
  for (const { cid, bytes } of options.blocks) await store.put(cid, bytes)
  return store
}

async function readBlock(store: FsBlockstore, cid: CID): Promise<Uint8Array | undefined> {
  if (!(await store.has(cid))) return undefined
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid)) chunks.push(chunk)
  return concat(chunks)
}

interface BitswapGateComponents {
  profile(): ProviderProfile
  spread(): EvenSpread
  requests: ProviderRequests
  /** Aborted by the provider's stop(): ends a pending delay with a refusal. */
  signal: AbortSignal
}

/** Whether the bitswap peer serves a wanted block, following the current profile (counted in `requests.bitswap`). */
function bitswapGate({ profile, spread, requests, signal }: BitswapGateComponents) {
  return async (opts?: { signal?: AbortSignal }): Promise<boolean> => {
    requests.bitswap++
    const behaviour = bitswapBehaviour(profile())
    switch (behaviour.serve) {
      case 'always':
        return true
      case 'never':
        return false
      case 'share':
        return !spread().nextFails()
      case 'after': {
        const signals = opts?.signal === undefined ? [signal] : [signal, opts.signal]
        return sleep(behaviour.delayMs, true, { signal: AbortSignal.any(signals) }).catch(() => false)
      }
    }
  }
}

/** Independent decision streams, so a HEAD probe does not shift which GETs fail. */
function newSpreads(profile: ProviderProfile): Record<'GET' | 'HEAD' | 'bitswap', EvenSpread> {
  const share = profile.kind === 'flaky' ? profile.failShare : 0
  return { GET: new EvenSpread(share), HEAD: new EvenSpread(share), bitswap: new EvenSpread(share) }
}
