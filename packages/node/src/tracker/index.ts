export * from './client.js'
export * from './network-cache.js'
