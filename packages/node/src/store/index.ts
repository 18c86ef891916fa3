/** The checker node's persistent state: its identity key and its store (DESIGN §5). */
export { prepareDataDir } from './data-dir.js'
export { DATA_DIR_LOCK_FILE, type DataDirLock, lockDataDir } from './data-dir-lock.js'
export { claimDataDirNetwork, DATA_DIR_NETWORK_FILE, type DataDirNetwork, readDataDirNetwork } from './data-dir-network.js'
export { ioErrorCode, StoreError, type StoreErrorCode, writeError } from './errors.js'
export { IDENTITY_KEY_FILE, identityFromSeed, type LoadIdentityOptions, loadOrCreateIdentity, type NodeIdentity } from './identity.js'
export { SCHEMA_VERSION } from './schema.js'
export { openNodeStore } from './store.js'
export type {
  Attestation,
  AttestationRecord,
  MeasurementOrigin,
  MeasurementOwner,
  MeasurementRecord,
  NodeStore,
  OpenNodeStoreOptions,
  OwnMeasurementRecord,
  PruneResult,
  RoundRecord,
  RoundState,
  StoredMeasurement,
  TaskState,
  TaskStatus,
  UnpublishedMeasurement,
} from './store-types.js'
