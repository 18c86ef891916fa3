import { SCORE_THRESHOLDS } from '../../gossip/index.js'
import type { Logger } from '../logger.js'
import { type DirectUpgrade, startDirectUpgrade } from './direct-upgrade.js'
import type { Host } from './host.js'
import type { PeerBans } from './peer-bans.js'
import { startPeerKeeper } from './peer-keeper.js'

/**
 * The node's connections, looked after for as long as `signal` lives: peers scored below the
 * graylist threshold are banned and hung up on (peer-bans.ts), and below `minPeers` connections
 * known peers are redialled every quarter round, at most every 5 s (peer-keeper.ts), and peers
 * reached only through a relay are dialled directly as often, in case they now can be
 * (direct-upgrade.ts). Returns the count of relayed connections so replaced.
 */
export function startPeerCare(
  libp2p: Host['libp2p'],
  init: { bans: PeerBans; signal: AbortSignal; minPeers: number; roundDurationMs: number; log: Logger },
): Pick<DirectUpgrade, 'upgraded'> {
  const { bans, log } = init
  if (init.signal.aborted) return { upgraded: 0 }
  const unwatch = bans.watch(libp2p, libp2p.services.pubsub, SCORE_THRESHOLDS.graylistThreshold, (peer, score) => {
    log.warn('banned a peer scored below the graylist threshold', { peer, score: Math.round(score), banMinutes: bans.banMs / 60_000 })
  })
  const intervalMs = Math.min(5_000, Math.max(500, init.roundDurationMs / 4))
  const keeper = startPeerKeeper(libp2p, {
    signal: init.signal,
    minPeers: init.minPeers,
    intervalMs,
    onError: (err) => log.debug('redial failed', { error: String(err) }),
  })
  const upgrade = startDirectUpgrade(libp2p, {
    intervalMs,
    onError: (err) => log.debug('direct dial of a relayed peer failed', { error: String(err) }),
  })
  // both end with the node: no score listener and no redial timer outlive a stop
  init.signal.addEventListener(
    'abort',
    () => {
      unwatch()
      keeper.stop()
      upgrade.stop()
    },
    { once: true },
  )
  return upgrade
}
