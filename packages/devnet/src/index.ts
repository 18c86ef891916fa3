// Must stay the first import: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '@spark-swarm/node/polyfill'

export { type BitswapPeer, type BitswapPeerOptions, startBitswapPeer } from './bitswap-peer.js'
export { concat, encodeCar } from './car.js'
export { ChainDeposits, type Deposit } from './chain-deposits.js'
export {
  type ChainRpcMode,
  type FakeChainRpc,
  type FakeChainRpcOptions,
  type RpcCall,
  startFakeChainRpc,
} from './chain-rpc.js'
export {
  BLAKE3_CODE,
  buildCatalogue,
  type CatalogueAssignment,
  type ContentBlock,
  type ContentOptions,
  dagCborBlock,
  generateContent,
  generateUnsupportedHashBlock,
  rawBlock,
} from './content.js'
export { type Delivery, type DeliveryTracker, quantile, trackDelivery } from './delivery.js'
export type { ProviderRequests } from './gateway.js'
export { CAR_CONTENT_TYPE, RAW_CONTENT_TYPE } from './gateway-request.js'
export { providerKeyFromSeed } from './identity.js'
export { type AnnounceProtocols, announceProvider, type FakeIpni, type IpniMode, startFakeIpni } from './ipni.js'
export {
  encodeMetadata,
  IPNI_PROTOCOLS,
  type IpniProtocol,
  type ProviderRecord,
  type ProviderResultJson,
  toProviderResultJson,
} from './ipni-records.js'
export { type Liar, type LiarKind, type LiarOptions, startLiar } from './liar.js'
export { assertLoopback, LOOPBACK } from './listener.js'
export { actorNotFound, chainHeadJson, evmActorJson, minerInfoJson } from './lotus-json.js'
export { type MarketSample, marketSample, SAMPLE_PEERS } from './market-deal-sample.js'
export { type DealSpec, type MarketDealJson, marketDealJson, marketDealsJson, payloadCid } from './market-deals.js'
export { type OutsideWorld, type OutsideWorldOptions, type OutsideWorldProvider, startOutsideWorld } from './outside-world.js'
export { createPartition, type Partition } from './partition.js'
export { devnetPieceCid } from './piece-cid.js'
export { type BitswapBehaviour, bitswapBehaviour, HEALTHY, type ProfileKind, type ProviderProfile, validateProfile } from './profiles.js'
export { type FakeProvider, type FakeProviderOptions, startFakeProvider } from './provider.js'
export { RandomBytes, randomBytes } from './random-bytes.js'
export { type RoguePeer, type RoguePeerOptions, type RogueRoundView, startRoguePeer } from './rogue-peer.js'
export { ATTACKS, type AttackKind, attackMessage, type Spammer, type SpammerOptions, startSpammer } from './spammer.js'
export { DEMO_PROVIDERS, type Swarm, type SwarmOptions, startSwarm } from './swarm.js'
export { bindNode, type SwarmParticipant, swarmParticipant } from './swarm-participants.js'
export { type ClaimJson, type DirectClaimSpec, dealClaimJson, directClaimJson } from './verified-claims.js'
export { loadWorldState, WORLD_STATE_FILE, type WorldState } from './world-state.js'
