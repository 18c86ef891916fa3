import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { Anchoring } from './anchor.js'

/**
 * At start: the node's catalogue block into its blockstore and onto the DHT, so that peers that
 * lack it (the tracker down, or serving other bytes) get it from this node (spec §1.3). A full
 * disk must not stop the node for that: it warns, and anchoring puts the block again with each
 * summary.
 */
export async function shareOwnCatalogue(
  anchoring: Pick<Anchoring, 'shareCatalogue'>,
  events: TypedEventTarget<CheckerNodeEvents>,
  signal: AbortSignal,
): Promise<void> {
  await anchoring.shareCatalogue().catch((err: unknown) => {
    if (signal.aborted) return
    const code = (err as { code?: unknown })?.code
    events.emit('activity', {
      level: 'warn',
      message: `the catalogue's block could not be stored for peers: ${(err as Error)?.message ?? String(err)}`,
      ...(typeof code === 'string' ? { code } : {}),
    })
  })
}
