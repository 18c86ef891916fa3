import { describe, expect, it } from 'vitest'
import { PeerBans } from '../src/node/peers/peer-bans.js'

describe('PeerBans', () => {
  it('refuses a banned peer until the ban runs out', async () => {
    let now = 1_000
    const bans = new PeerBans({ banMs: 60_000, now: () => now })
    const gater = bans.gater()
    bans.ban('12D3KooWspammer')
    expect(await gater.denyDialPeer?.('12D3KooWspammer' as never)).toBe(true)
    expect(await gater.denyInboundEncryptedConnection?.('12D3KooWspammer' as never, {} as never)).toBe(true)
    expect(await gater.denyDialPeer?.('12D3KooWhonest' as never)).toBe(false)
    expect(bans.size).toBe(1)
    now += 60_001
    expect(await gater.denyDialPeer?.('12D3KooWspammer' as never)).toBe(false)
    expect(bans.size).toBe(0)
  })

  it("asks the embedder's own gater for peers it has not banned", async () => {
    const bans = new PeerBans()
    const gater = bans.gater({ denyDialPeer: async (peer) => peer.toString() === 'denied-by-app' })
    expect(await gater.denyDialPeer?.('denied-by-app' as never)).toBe(true)
    expect(await gater.denyDialPeer?.('anyone' as never)).toBe(false)
  })

  it('keeps at most maxBanned bans, lifting the oldest first', () => {
    const bans = new PeerBans({ maxBanned: 3 })
    for (const id of ['a', 'b', 'c', 'd']) bans.ban(id)
    expect(bans.size).toBe(3)
    expect(bans.isBanned('a')).toBe(false)
    expect(bans.isBanned('d')).toBe(true)
  })
})
