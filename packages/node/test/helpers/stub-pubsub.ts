import type { PeerId } from '@libp2p/interface'

/** A gossipsub stand-in: topics joined, one peer in every mesh, and everything published recorded. */
export function stubPubsub() {
  const topics = new Set<string>()
  const published: Array<{ topic: string; bytes: Uint8Array }> = []
  return {
    published,
    getTopics: () => [...topics],
    subscribe: (topic: string) => void topics.add(topic),
    unsubscribe: (topic: string) => void topics.delete(topic),
    getMeshPeers: (topic: string) => (topics.has(topic) ? ['peer'] : []),
    getSubscribers: () => [],
    async publish(topic: string, bytes: Uint8Array) {
      published.push({ topic, bytes })
      // one peer received it (its id does not matter here)
      return { recipients: [{} as PeerId] }
    },
  }
}
