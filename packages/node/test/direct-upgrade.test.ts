import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startDirectUpgrade } from '../src/node/peers/direct-upgrade.js'

const relay = '12D3KooWGRUVh7CNmGSTdvXKP3bkSZ8BmWS8CfTKqvvMkCN3s6Gy'
const peer = peerIdFromString('12D3KooWLjvQj5cX8xNmm6yJzAWYWXtUtXaanmQaG4MoVrbUNeLb')

/** A libp2p whose one connection to `peer` goes through a relay, and whose direct dials fail. */
function relayedOnly() {
  const dials: number[] = []
  const relayed = {
    remotePeer: peer,
    status: 'open',
    remoteAddr: multiaddr(`/ip4/198.51.100.7/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${peer}`),
  }
  const libp2p = {
    addEventListener: () => {},
    removeEventListener: () => {},
    getConnections: () => [relayed],
    peerStore: { get: async () => ({ addresses: [{ multiaddr: multiaddr('/ip4/192.168.1.20/tcp/7331') }] }) },
    dial: async () => {
      dials.push(Date.now())
      throw new Error('connection refused')
    },
  }
  return { libp2p: libp2p as unknown as Parameters<typeof startDirectUpgrade>[0], dials }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('dialling a relayed peer directly', () => {
  it('backs off: twice as long after each failed dial, not a dial every interval', async () => {
    vi.useFakeTimers({ now: 0 })
    const { libp2p, dials } = relayedOnly()
    const errors: unknown[] = []
    const upgrade = startDirectUpgrade(libp2p, { intervalMs: 100, onError: (err) => errors.push(err) })
    await vi.advanceTimersByTimeAsync(1_650)
    upgrade.stop()
    // ticks every 100 ms (16 of them); dials at 100, 200, 400, 800, 1600
    expect(dials).toEqual([100, 200, 400, 800, 1_600])
    expect(errors).toHaveLength(5)
    expect(upgrade.upgraded).toBe(0)
  })

  it('never waits longer than 10 minutes between two dials', async () => {
    vi.useFakeTimers({ now: 0 })
    const { libp2p, dials } = relayedOnly()
    const upgrade = startDirectUpgrade(libp2p, { intervalMs: 5_000 })
    await vi.advanceTimersByTimeAsync(3 * 3_600_000)
    upgrade.stop()
    const gaps = dials.slice(1).map((t, i) => t - (dials[i] as number))
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10 * 60_000 + 5_000)
    expect(gaps.at(-1)).toBeGreaterThanOrEqual(10 * 60_000)
  })
})
