import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { CheckerNode } from '@spark-swarm/node'

/**
 * A network partition for a devnet: each node gets a connection gater (`gaterFor(i)` as its
 * `connectionGater`), and `split` cuts the swarm into groups that can neither dial nor accept
 * each other, hanging up the connections that cross. `heal` lifts the cut; the nodes find each
 * other again on their own (their peer keeper redials known peers).
 */
export interface Partition {
  gaterFor(index: number): ConnectionGater
  /** Groups of node indexes; nodes in no group are cut off from everyone. */
  split(nodes: readonly CheckerNode[], groups: number[][]): Promise<void>
  heal(): void
  readonly active: boolean
}

export function createPartition(): Partition {
  // group of each node index while split; peer ids of the nodes once known
  let groupOf: Map<number, number> | undefined
  const indexOf = new Map<string, number>()
  let nodesRef: readonly CheckerNode[] = []
  const blocked = (self: number, peer: PeerId | string) => {
    if (!groupOf) return false
    const other = indexOf.get(peer.toString())
    // peers that are not nodes of the swarm (tools, clients) are not partitioned
    if (other === undefined) return false
    return groupOf.get(self) === undefined || groupOf.get(self) !== groupOf.get(other)
  }
  const learn = () => {
    nodesRef.forEach((n, i) => {
      if (n.host) indexOf.set(n.peerId, i)
    })
  }
  return {
    gaterFor(self) {
      return {
        denyDialPeer: async (peer) => blocked(self, peer),
        denyInboundEncryptedConnection: async (peer) => blocked(self, peer),
        denyOutboundEncryptedConnection: async (peer) => blocked(self, peer),
      }
    },
    async split(nodes, groups) {
      nodesRef = nodes
      learn()
      groupOf = new Map(groups.flatMap((g, gi) => g.map((i) => [i, gi] as [number, number])))
      await Promise.all(
        nodes.map(async (n, i) => {
          const libp2p = n.host?.libp2p
          if (!libp2p) return
          for (const peer of libp2p.getPeers()) if (blocked(i, peer)) await libp2p.hangUp(peer).catch(() => {})
        }),
      )
    },
    heal() {
      groupOf = undefined
    },
    get active() {
      return groupOf !== undefined
    },
  }
}
