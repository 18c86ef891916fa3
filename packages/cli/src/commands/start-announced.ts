import type { NetworkSource } from '@spark-swarm/node'
import type { Catalogue, ProtocolParams } from '@spark-swarm/protocol'

/*
 * A params change that names a new catalogue takes effect at its round, when every node restarts
 * on it at once (spec §1.3). Fetched only then, with the tracker down, no peer would have it: each
 * is restarting too. So the node fetches it when it first sees the announcement, at least a round
 * ahead, and shares it with its peers over bitswap from then on: a node that misses the tracker's
 * copy gets a peer's.
 */

export interface AnnouncedCatalogues {
  /** Fetches (and keeps) the catalogue `params` name; undefined when there is nothing to fetch. */
  prefetch(params: ProtocolParams): Promise<Catalogue | undefined>
  /** Puts it into the running node's blockstore and provides it; resolves its CID. */
  share(catalogue: Catalogue): Promise<string>
  info(message: string, fields: Record<string, unknown>): void
  warn(message: string, fields: Record<string, unknown>): void
}

/**
 * The tracker as the node's network source (asked at every round start), fetching and sharing
 * the catalogue of an announced change beside it, off the round's path. A fetch that fails is
 * tried again at the next round; until the change's round the node only warns.
 */
export function withAnnouncedCatalogue(source: NetworkSource, announced: AnnouncedCatalogues): NetworkSource {
  let shared: string | undefined
  let busy = false
  return {
    async network() {
      const info = await source.network()
      const next = info.upcoming
      const cid = next?.params.catalogueCid ?? null
      if (next && cid !== null && cid !== shared && !busy) {
        busy = true
        announced
          .prefetch(next.params)
          .then(async (catalogue) => {
            if (catalogue) {
              await announced.share(catalogue)
              announced.info('announced catalogue fetched and shared with peers', { catalogueCid: cid, fromRound: next.fromRound })
            }
            shared = cid
          })
          .catch((err: unknown) =>
            announced.warn('the announced catalogue could not be fetched yet: tried again next round', {
              catalogueCid: cid,
              fromRound: next.fromRound,
              error: String((err as Error)?.message ?? err),
            }),
          )
          .finally(() => {
            busy = false
          })
      }
      return info
    },
  }
}
