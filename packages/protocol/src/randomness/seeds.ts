import { fromHex, toHex } from '../bytes.js'
import { DOMAIN, domainHash } from '../domain.js'

/**
 * The per-purpose seeds of one round, each a domain-separated hash of the round's beacon
 * randomness. Spark fed the raw beacon to its tasker; we separate so that knowing how tasks were
 * sampled says nothing about which node gets which task or how anchors are ordered.
 */
export interface RoundSeeds {
  round: number
  /** The beacon randomness (hex) the others derive from. */
  randomness: string
  /** Seeds the sampling of the round's tasks from the catalogue. */
  tasks: string
  /** Takes the place of Spark's `randomness` in `getTaskKey`. */
  nodeSelection: string
  /** Orders measurements of one inet group (our analogue of Spark's finished_at hash). */
  inetGroupOrder: string
  anchors: string
}

export function deriveRoundSeeds(round: number, randomness: string): RoundSeeds {
  const r = fromHex(randomness, 'randomness')
  return {
    round,
    randomness: toHex(r),
    tasks: toHex(domainHash(DOMAIN.roundTasks, r)),
    nodeSelection: toHex(domainHash(DOMAIN.nodeSelection, r)),
    inetGroupOrder: toHex(domainHash(DOMAIN.inetGroupOrder, r)),
    anchors: toHex(domainHash(DOMAIN.anchors, r)),
  }
}
