export {
  type BuildCatalogueInit,
  type BuiltCatalogue,
  buildCatalogueFromChain,
  type CatalogueProgress,
} from './build-catalogue.js'
export {
  CLAIM_DROP_REASONS,
  type ClaimCount,
  type ClaimDropReason,
  createClaimCounter,
  createMarketSectors,
  judgeClaim,
} from './claim-selection.js'
export { type LabelReading, payloadCidOfLabel } from './deal-label.js'
export { type DealSelection, DROP_REASONS, type DropReason, judgeDeal, selectDeals } from './deal-selection.js'
