export {
  type BuildCatalogueInit,
  type BuiltCatalogue,
  buildCatalogueFromChain,
  type CatalogueProgress,
} from './build-catalogue.js'
export { type LabelReading, payloadCidOfLabel } from './deal-label.js'
export { type DealSelection, DROP_REASONS, type DropReason, judgeDeal, selectDeals } from './deal-selection.js'
