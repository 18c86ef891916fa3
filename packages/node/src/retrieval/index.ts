/**
 * The retrieval check: IPNI lookup, trustless-gateway retrieval, CAR verification, limits.
 * Every public name is listed here; the rest of the folder is internal.
 */
import * as RETRIEVAL_DEFAULTS from './constants.js'

export { carChecksum, verifyBlockBytes, verifyCarBlock } from './car.js'
export {
  type CheckOutcome,
  type CheckTask,
  createRetrievalChecker,
  type RetrievalChecker,
  type RetrievalCheckerComponents,
  type RetrievalCheckerInit,
} from './check.js'
export { createCarChecksum } from './checksum.js'
/** The check's defaults (timeouts, limits, retries), one name each in `constants.ts`. */
export { RETRIEVAL_DEFAULTS }
export { describeError, isConnectTimeout, mapErrorToStatusCode, RetrievalError, type RetrievalErrorCode } from './errors.js'
export { fetchFromGateway, type GatewayFetchOptions, type GatewayResult, retrievalUrl } from './gateway.js'
export { type HeadProbeOptions, probeHead } from './head.js'
export { type IndexProvider, type IndexResult, type QueryIndexOptions, queryIndex } from './ipni.js'
export { type Release, Semaphore, TokenBucket, type TokenBucketInit } from './limits.js'
export {
  createRpcMinerResolver,
  createStaticMinerResolver,
  isPeerIdText,
  type MinerPeer,
  type MinerResolver,
  type RpcMinerResolverInit,
} from './miner-info.js'
export { multiaddrToHttpUrl } from './multiaddr.js'
export type {
  AbortOptions,
  BitswapFetch,
  BitswapFetchOptions,
  BitswapResult,
  BitswapSource,
  FetchLike,
  MeasurementFields,
  RetrievalFields,
  RetrievalProtocol,
  StepLog,
} from './types.js'
