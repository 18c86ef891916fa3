import { peerIdFromString } from '@libp2p/peer-id'
import { type RpcCall, rpcFailure } from '../retrieval/lotus-rpc.js'

/**
 * The libp2p peer id each miner set on chain (`StateMinerInfo`'s `PeerId`), read at the one
 * tipset the deals were read at, so the catalogue is a function of that tipset. Lotus prints it
 * in base58btc (`12D3KooW…`, `Qm…`); it is written as `peerIdFromString(…).toString()`, the
 * base58btc form catalogue entries and measurements use. A miner whose PeerId is unset, not a
 * peer id, or whose actor Lotus refuses (JSON-RPC error) gets no `providerId`: nodes then look
 * it up themselves and record what they find. Transport failures are not hidden: they throw.
 */
export async function readMinerPeers(
  call: RpcCall,
  miners: readonly string[],
  tipset: unknown,
  options: { concurrency?: number; signal?: AbortSignal; onProgress?: (done: number) => void },
): Promise<Map<string, string>> {
  const peers = new Map<string, string>()
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < miners.length) {
      const minerId = miners[next++] as string
      const peerId = await readPeerId(call, minerId, tipset, options.signal)
      if (peerId !== undefined) peers.set(minerId, peerId)
      options.onProgress?.(++done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, miners.length) }, worker))
  return peers
}

/** One hung answer must not hold the build forever; a fresh signal per call also leaves no listener behind. */
const MINER_INFO_TIMEOUT_MS = 30_000

async function readPeerId(call: RpcCall, minerId: string, tipset: unknown, signal?: AbortSignal): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(MINER_INFO_TIMEOUT_MS)
  let info: unknown
  try {
    info = await call('Filecoin.StateMinerInfo', [minerId, tipset], signal ? AbortSignal.any([signal, timeout]) : timeout)
  } catch (err) {
    // a JSON-RPC error is Lotus' final answer about this miner; anything else is an outage
    if ((err as { meta?: { retryable?: boolean } }).meta?.retryable === false) return undefined
    throw err
  }
  if (typeof info !== 'object' || info === null) throw rpcFailure(`Filecoin.StateMinerInfo(${minerId}) returned no miner info`, false)
  const text = (info as { PeerId?: unknown }).PeerId
  if (typeof text !== 'string' || text === '') return undefined
  try {
    return peerIdFromString(text).toString()
  } catch {
    return undefined
  }
}
