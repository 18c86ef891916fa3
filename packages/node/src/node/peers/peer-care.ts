import { SCORE_THRESHOLDS } from '../../gossip/index.js'
import type { Logger } from '../logger.js'
import type { Host } from './host.js'
import type { PeerBans } from './peer-bans.js'
import { startPeerKeeper } from './peer-keeper.js'

/**
 * The node's connections, looked after for as long as `signal` lives: peers scored below the
 * graylist threshold are banned and hung up on (peer-bans.ts), and below `minPeers` connections
 * known peers are redialled every quarter round, at most every 5 s (peer-keeper.ts).
 */
export function startPeerCare(
  libp2p: Host['libp2p'],
  init: { bans: PeerBans; signal: AbortSignal; minPeers: number; roundDurationMs: number; log: Logger },
): void {
  const { bans, log } = init
  if (init.signal.aborted) return
  const unwatch = bans.watch(libp2p, libp2p.services.pubsub, SCORE_THRESHOLDS.graylistThreshold, (peer, score) => {
    log.warn('banned a peer scored below the graylist threshold', { peer, score: Math.round(score), banMinutes: bans.banMs / 60_000 })
  })
  const keeper = startPeerKeeper(libp2p, {
    signal: init.signal,
    minPeers: init.minPeers,
    intervalMs: Math.min(5_000, Math.max(500, init.roundDurationMs / 4)),
    onError: (err) => log.debug('redial failed', { error: String(err) }),
  })
  // both end with the node: no score listener and no redial timer outlive a stop
  init.signal.addEventListener(
    'abort',
    () => {
      unwatch()
      keeper.stop()
    },
    { once: true },
  )
}
