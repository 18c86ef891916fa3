/**
 * The NO_PEERS warning (spec §5.4): a node started with neither a tracker nor bootstrap peers has
 * no way to find the network, so it checks, evaluates and anchors on its own and nobody counts
 * its measurements. Said loudly at start, naming the settings that fix it.
 */
export function aloneWarning(tracker: string | undefined, bootstrap: readonly string[]): string | undefined {
  if (tracker || bootstrap.length > 0) return undefined
  return (
    'running alone: no tracker and no bootstrap peers — this node finds no other node, so its measurements reach ' +
    'nobody; pass --tracker <url> (env SPARK_SWARM_TRACKER, config tracker) or --bootstrap <multiaddr> (SPARK_SWARM_BOOTSTRAP, config bootstrap)'
  )
}
