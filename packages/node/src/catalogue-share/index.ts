export { catalogueFromBlock } from './catalogue-block.js'
export { CatalogueFetchError, type CatalogueFetchErrorCode } from './errors.js'
export {
  type BlockGetter,
  catalogueFromBlocks,
  fetchCatalogueFromPeers,
  PEER_CATALOGUE_TIMEOUT_MS,
  type PeerCatalogue,
  type PeerCatalogueInit,
} from './from-peers.js'
