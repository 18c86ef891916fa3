import { join } from 'node:path'
import type { AdmissionParams, Catalogue } from '@spark-swarm/protocol'
import type { Deposit } from './chain-deposits.js'
import { type FakeChainRpc, startFakeChainRpc } from './chain-rpc.js'
import { buildCatalogue, type ContentBlock, generateContent } from './content.js'
import { providerKeyFromSeed } from './identity.js'
import { type AnnounceProtocols, announceProvider, type FakeIpni, startFakeIpni } from './ipni.js'
import type { ProviderProfile } from './profiles.js'
import { type FakeProvider, startFakeProvider } from './provider.js'

export interface OutsideWorldProvider {
  minerId: string
  profile: ProviderProfile
  /** What the IPNI advertises for this provider's content. Default http + bitswap. */
  protocols?: AnnounceProtocols
  /** Blocks added to the generated ones (e.g. generateUnsupportedHashBlock); they join the catalogue too. */
  extraBlocks?: ContentBlock[]
}

export interface OutsideWorldOptions {
  /** Same seed ⇒ same content, CIDs and catalogue CIDs (and peer ids, with `stableIdentities`). */
  seed: string
  /**
   * Derive each provider's peer id from the seed and its miner id, so the catalogue (which names
   * providers by peer id) is the same on every run. Default false: fresh peer ids, so two worlds
   * with one seed in one process never share an identity.
   */
  stableIdentities?: boolean
  /** Keep the providers' blockstores in `<dataDir>/providers/<minerId>`; temporary ones when omitted. */
  dataDir?: string
  providers: OutsideWorldProvider[]
  /** Generated blocks per provider. Default 4. */
  blocksPerProvider?: number
  host?: string
  /**
   * A version-2 network's admission (spec §13): the fake Lotus then runs its chain's clock (head =
   * the epoch of now), so that eligibility heights a finality behind a round's start exist.
   */
  admission?: AdmissionParams
  /** Participants' balances on the fake chain. */
  deposits?: readonly Deposit[]
}

export interface OutsideWorld {
  ipniUrl: string
  /** Lotus JSON-RPC endpoint (…/rpc/v1). */
  rpcUrl: string
  ipni: FakeIpni
  chainRpc: FakeChainRpc
  providers: FakeProvider[]
  /** One entry per block and provider, with `providerId` = the provider's peer id. */
  catalogue: Catalogue
  blocks: Array<ContentBlock & { minerId: string }>
  stop(): Promise<void>
}

/**
 * Everything a checker talks to outside the swarm, on loopback: an IPNI indexer, a Lotus RPC
 * endpoint and one fake storage provider per entry, each holding its own deterministic content,
 * all announced to the IPNI and listed in the catalogue.
 *
 * @example
 * const world = await startOutsideWorld({ seed: 'demo', providers: [
 *   { minerId: 'f01000', profile: { kind: 'healthy' } },
 *   { minerId: 'f01001', profile: { kind: 'flaky', failShare: 0.5 } },
 * ] })
 * // … run checkers against world.ipniUrl, world.rpcUrl and world.catalogue …
 * await world.stop()
 */
export async function startOutsideWorld(options: OutsideWorldOptions): Promise<OutsideWorld> {
  const count = options.blocksPerProvider ?? 4
  const host = options.host
  const stops: Array<() => Promise<void>> = []
  const stop = async () => {
    // Stop everything even if one stop() fails, newest first.
    const results = await Promise.allSettled(
      stops
        .splice(0)
        .reverse()
        .map((fn) => fn()),
    )
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  try {
    const ipni = await startFakeIpni({ host })
    stops.push(() => ipni.stop())
    const admission = options.admission
    const chainRpc = await startFakeChainRpc({
      miners: {},
      host,
      ...(admission ? { clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs } } : {}),
      ...(options.deposits ? { deposits: options.deposits } : {}),
    })
    stops.push(() => chainRpc.stop())

    const providers: FakeProvider[] = []
    const blocks: Array<ContentBlock & { minerId: string }> = []
    for (const spec of options.providers) {
      const content = [...(await generateContent({ seed: `${options.seed}/${spec.minerId}`, count })), ...(spec.extraBlocks ?? [])]
      const provider = await startFakeProvider({
        minerId: spec.minerId,
        profile: spec.profile,
        blocks: content,
        host,
        ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'providers', spec.minerId) }),
        ...(options.stableIdentities ? { privateKey: await providerKeyFromSeed(options.seed, spec.minerId) } : {}),
      })
      stops.push(() => provider.stop())
      providers.push(provider)
      chainRpc.setMiner(spec.minerId, provider.peerId)
      announceProvider(
        ipni,
        provider,
        content.map((b) => b.cid),
        spec.protocols,
      )
      for (const block of content) blocks.push({ ...block, minerId: spec.minerId })
    }

    const peerIds = new Map(providers.map((p) => [p.minerId, p.peerId]))
    const catalogue = buildCatalogue(blocks.map((b) => ({ cid: b.cid, minerId: b.minerId, providerId: peerIds.get(b.minerId) })))
    return { ipniUrl: ipni.url, rpcUrl: chainRpc.url, ipni, chainRpc, providers, catalogue, blocks, stop }
  } catch (err) {
    await stop().catch(() => {})
    throw err
  }
}
