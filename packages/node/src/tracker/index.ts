export {
  type NetworkInfo,
  OUTDATED_CLIENT_BODY,
  TRACKER_VERSION_HEADER,
} from '@spark-swarm/protocol'
export { createTrackerClient, type GateAnswer, type TrackerClient, type TrackerClientOptions } from './client.js'
export { TrackerError, type TrackerErrorCode } from './errors.js'
export {
  type CachedNetwork,
  type JoinedNetwork,
  joinNetwork,
  NETWORK_CACHE_FILE,
  readNetworkCache,
  writeNetworkCache,
} from './network-cache.js'
