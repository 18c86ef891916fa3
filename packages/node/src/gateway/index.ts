/** A read-only trustless gateway (`/ipfs/{cid}`) over the blocks a node holds. */
export { createGatewayHandler, DEFAULT_GATEWAY_LIMITS, type GatewayLimits, type GatewayOptions } from './handler.js'
export type { LocalBlocks } from './local-blocks.js'
export { CAR_TYPE, RAW_TYPE } from './request.js'
