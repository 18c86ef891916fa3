/**
 * The Spark Swarm checker node. The polyfill comes first: libp2p needs it before it loads.
 *
 * Every public name is listed here, grouped by who it is for. docs/node.md ("Public API") says
 * which groups an embedding app may rely on; the rest serve the CLI, the devnet, tools and tests.
 */
// biome-ignore-all assist/source/organizeImports: grouped by who uses them, not sorted by module path
import './polyfill.js'

// The node an app embeds: create, start, watch its events and status, stop
export type {
  ActivityDetail,
  CheckerNode,
  CheckerNodeEvents,
  CheckerNodeInit,
  CheckerNodeStatus,
  Clock,
  ClockReading,
  ClockSource,
  CommitteeConfirmedDetail,
  InetGroupAdoptedDetail,
  InetGroupSource,
  Logger,
  MeasurementPublishedDetail,
  ListenErrorCode,
  LocalFault,
  LocalFaultCode,
  LocalFaultDetail,
  MeasurementWithheldDetail,
  NetworkSource,
  OutdatedDetail,
  ParamsChangedDetail,
  ParamsStatus,
  RandomnessSource,
  RoundEvaluatedDetail,
  RoundStatus,
  SummaryAnchoredDetail,
  VersionGate,
} from './node/index.js'
export {
  AMINO_PROTOCOL,
  type AminoInit,
  CHECKER_VERSION,
  createCheckerNode,
  createRandomnessSource,
  isLibp2pClosingStreamError,
  ListenError,
  type ListenReach,
  LOCAL_FAULT_ADVICE,
  LOCAL_FAULT_CODES,
  listenReach,
  NAT_AUTO,
  NAT_SWITCHES,
  type NatInit,
  type NatSettings,
  type NatSwitch,
  RELAY_LIMITS,
  resolveNat,
  silentLogger,
  systemClock,
  TypedEventTarget,
} from './node/index.js'

// Observability: Prometheus metrics and the status page server
export type { NodeInstrumentation, ObservedNode, StatusServer, StatusServerOptions } from './observability/index.js'
export { instrumentNode, STATUS_PAGE_HTML, startStatusServer } from './observability/index.js'

// Joining a network: the tracker client, its version gate and the cached network params
export type {
  CachedNetwork,
  GateAnswer,
  JoinedNetwork,
  NetworkInfo,
  TrackerClient,
  TrackerClientOptions,
  TrackerErrorCode,
} from './tracker/index.js'
export {
  createTrackerClient,
  joinNetwork,
  NETWORK_CACHE_FILE,
  OUTDATED_CLIENT_BODY,
  readNetworkCache,
  TRACKER_VERSION_HEADER,
  TrackerError,
  writeNetworkCache,
} from './tracker/index.js'

// The catalogue from peers over bitswap, when the tracker does not give it (spec §1.3)
export type { BlockGetter, CatalogueFetchErrorCode, PeerCatalogue, PeerCatalogueInit } from './catalogue-share/index.js'
export {
  CatalogueFetchError,
  catalogueFromBlock,
  catalogueFromBlocks,
  fetchCatalogueFromPeers,
  PEER_CATALOGUE_TIMEOUT_MS,
} from './catalogue-share/index.js'

// The data dir: identity key and the SQLite store
export type {
  Attestation,
  AttestationRecord,
  LoadIdentityOptions,
  MeasurementOrigin,
  MeasurementRecord,
  NodeIdentity,
  NodeStore,
  OpenNodeStoreOptions,
  OwnMeasurementRecord,
  PruneResult,
  RoundRecord,
  RoundState,
  StoredMeasurement,
  StoreErrorCode,
  TaskState,
  TaskStatus,
  UnpublishedMeasurement,
} from './store/index.js'
export {
  claimDataDirNetwork,
  DATA_DIR_NETWORK_FILE,
  type DataDirNetwork,
  IDENTITY_KEY_FILE,
  identityFromSeed,
  ioErrorCode,
  loadOrCreateIdentity,
  openNodeStore,
  prepareDataDir,
  readDataDirNetwork,
  SCHEMA_VERSION,
  StoreError,
  writeError,
} from './store/index.js'

// A catalogue from Filecoin's storage market deals, verified-registry claims counted (spark-swarm catalogue build)
export {
  type BuildCatalogueInit,
  type BuiltCatalogue,
  buildCatalogueFromChain,
  CLAIM_DROP_REASONS,
  type CatalogueProgress,
  type ClaimCount,
  type ClaimDropReason,
  createClaimCounter,
  createMarketSectors,
  DROP_REASONS,
  type DropReason,
  judgeClaim,
  payloadCidOfLabel,
  selectDeals,
} from './catalogue/index.js'

// A round's export as a CAR (spark-swarm export)
export { ExportError, exportRoundCar } from './export/index.js'
export {
  CAR_TYPE,
  createGatewayHandler,
  DEFAULT_GATEWAY_LIMITS,
  type GatewayLimits,
  type GatewayOptions,
  type LocalBlocks,
  RAW_TYPE,
} from './gateway/index.js'

// Retrieval checks: one task checked against a provider (spark-swarm check), and their parts
export type {
  AbortOptions,
  BitswapFetch,
  BitswapFetchOptions,
  BitswapResult,
  BitswapSource,
  CheckOutcome,
  CheckTask,
  FetchLike,
  GatewayFetchOptions,
  GatewayResult,
  HeadProbeOptions,
  IndexProvider,
  IndexResult,
  MeasurementFields,
  MinerPeer,
  MinerResolver,
  QueryIndexOptions,
  Release,
  RetrievalChecker,
  RetrievalCheckerComponents,
  RetrievalCheckerInit,
  RetrievalErrorCode,
  RetrievalFields,
  RetrievalProtocol,
  RpcMinerResolverInit,
  StepLog,
  TokenBucketInit,
} from './retrieval/index.js'
export {
  carChecksum,
  createCarChecksum,
  createRetrievalChecker,
  createRpcMinerResolver,
  createStaticMinerResolver,
  describeError,
  fetchFromGateway,
  isConnectTimeout,
  isPeerIdText,
  mapErrorToStatusCode,
  multiaddrToHttpUrl,
  probeHead,
  queryIndex,
  RETRIEVAL_DEFAULTS,
  RetrievalError,
  retrievalUrl,
  Semaphore,
  TokenBucket,
  verifyBlockBytes,
  verifyCarBlock,
} from './retrieval/index.js'
export type { BitswapFetcher, BitswapFetcherInit } from './bitswap/fetcher.js'
export { createBitswapFetcher } from './bitswap/fetcher.js'

// Gossip: topics, the validators of each message kind, gossipsub's settings and scoring
export type {
  AcceptedMessage,
  GossipAction,
  GossipErrorCode,
  GossipHandlers,
  GossipMetrics,
  GossipValidationContext,
  GossipValidators,
  GossipsubServiceInit,
  IgnoreBudgetInit,
  ParsedTopic,
  RegisterValidatorsInit,
  RoundInfo,
  ScoredGossipSub,
  ValidatedAttestation,
  ValidatedGossip,
  ValidatedMeasurement,
} from './gossip/index.js'
export {
  attestationTopic,
  attestationTopics,
  checkNetworkAndVersion,
  createGossipMetrics,
  createGossipsubService,
  fastMsgIdFn,
  GOSSIP_KINDS,
  GossipKind,
  GossipValidationError,
  gossipsubOptions,
  gossipTopics,
  gossipValidators,
  IGNORE_BUDGET_DEFAULTS,
  IGNORE_BUDGET_EXCEEDED,
  IgnoreBudget,
  ignore,
  INTERNAL_ERROR,
  isAssignedTo,
  isDuplicatePublishError,
  isTaskInRound,
  measurementTopic,
  measurementTopics,
  measurementTopicsForTasks,
  msgIdFn,
  parseTopic,
  registerValidators,
  reject,
  SCORE_THRESHOLDS,
  toValidatorResult,
  topicScoreParams,
  validateAttestationMessage,
  validateMeasurementMessage,
} from './gossip/index.js'

// Utilities other packages share: one operation's signal, cancelled with the node or on its own deadline
export { type ScopedSignal, scopedSignal } from './util/scoped-signal.js'

// Version 2 (spec §13): the station's binding to its participant, and who is eligible in a round, read from the chain
export {
  BINDING_FILE,
  bindingProblem,
  type ChainEligibility,
  type ChainEligibilityInit,
  createChainEligibility,
  readBinding,
  type SavedBinding,
  saveBinding,
} from './admission/index.js'
