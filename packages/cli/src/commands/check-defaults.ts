/*
 * The defaults `check` shows in its help: kept apart from the command, so that registering it
 * does not load libp2p and the retrieval stack.
 */

/** Where a check talks to by default: the real IPNI and a public Lotus endpoint, as Spark did. */
export const DEFAULT_INDEXER_URL = 'https://cid.contact'
export const DEFAULT_RPC_URL = 'https://api.node.glif.io/rpc/v1'

/** Exit codes of `check`: 0 the content was retrieved and verified, 4 it was not, 1 no check could be made. */
export const CHECK_EXIT = { ok: 0, noMeasurement: 1, failed: 4 } as const
