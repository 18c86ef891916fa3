/**
 * The Spark Swarm checker node. The polyfill comes first: libp2p needs it before it loads.
 */
import './polyfill.js'

export * from './bitswap/fetcher.js'
export * from './export/index.js'
export * from './gossip/index.js'
export * from './node/index.js'
export * from './observability/index.js'
export * from './retrieval/index.js'
export * from './store/index.js'
export * from './tracker/index.js'
export { type ScopedSignal, scopedSignal } from './util/scoped-signal.js'
