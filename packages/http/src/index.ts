/**
 * The HTTP plumbing that the tracker, the node's status server and the devnet's fakes share:
 * listen and report the bound address, write a whole answer, stop without waiting on clients.
 * Routes, error bodies and limits stay with each server.
 */
export { closeHttp } from './close.js'
export { httpUrl, listenHttp } from './listen.js'
export { type SendOptions, sendHttp } from './send.js'
