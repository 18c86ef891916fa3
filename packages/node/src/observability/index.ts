/** Observability of a checker node: Prometheus metrics, and an HTTP server with the status page. */
export { instrumentNode, type NodeInstrumentation, type ObservedNode } from './metrics.js'
export { type StatusServer, type StatusServerOptions, startStatusServer } from './server.js'
export { STATUS_PAGE_HTML } from './status-page.js'
