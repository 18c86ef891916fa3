/** The checker node's persistent state: its identity key and its store (DESIGN §5). */
export * from './data-dir.js'
export * from './errors.js'
export * from './identity.js'
export { SCHEMA_VERSION } from './schema.js'
export * from './store.js'
export type * from './store-types.js'
