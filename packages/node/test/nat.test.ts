import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { listenReach, NAT_AUTO, resolveNat } from '../src/node/peers/nat-auto.js'
import { reachabilitySummary, reachedVia } from '../src/node/status/build-status.js'

const iface = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo =>
  family === 'IPv4'
    ? { address, family, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', internal: false, cidr: null }
    : { address, family, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', internal: false, cidr: null, scopeid: 0 }

describe('where the listen addresses reach', () => {
  it('loopback, a LAN address, or a public one; 0.0.0.0 is decided by the interfaces', () => {
    expect(listenReach(['/ip4/127.0.0.1/tcp/7331', '/ip6/::1/tcp/7331'], {})).toBe('loopback')
    expect(listenReach(['/ip4/192.168.1.20/tcp/7331'], {})).toBe('private')
    expect(listenReach(['/ip4/93.184.215.14/tcp/7331'], {})).toBe('public')
    const laptop = { lo: [iface('127.0.0.1')], wlan0: [iface('192.168.1.20'), iface('fe80::1', 'IPv6')] }
    const vps = { lo: [iface('127.0.0.1')], eth0: [iface('93.184.215.14')] }
    expect(listenReach(['/ip4/0.0.0.0/tcp/7331'], laptop)).toBe('private')
    expect(listenReach(['/ip4/0.0.0.0/tcp/7331'], vps)).toBe('public')
    // the IPv6 wildcard looks at IPv6 interfaces only: a link-local one reaches nobody
    expect(listenReach(['/ip6/::/tcp/7331'], laptop)).toBe('loopback')
  })
})

describe('which NAT parts a node runs', () => {
  it('auto: a public node relays, a LAN or loopback node of a wider network reserves, a loopback swarm neither', () => {
    expect(resolveNat(NAT_AUTO, 'public', false)).toEqual({ relayServer: true, relayClient: false, upnp: false })
    expect(resolveNat(NAT_AUTO, 'private', false)).toEqual({ relayServer: false, relayClient: true, upnp: false })
    expect(resolveNat(NAT_AUTO, 'loopback', false)).toEqual({ relayServer: false, relayClient: true, upnp: false })
    expect(resolveNat(NAT_AUTO, 'loopback', true)).toEqual({ relayServer: false, relayClient: false, upnp: false })
  })
  it('on and off win over what the addresses say', () => {
    expect(resolveNat({ relayServer: 'on', relayClient: 'off', upnp: true }, 'private', false)).toEqual({
      relayServer: true,
      relayClient: false,
      upnp: true,
    })
    expect(resolveNat({ relayServer: 'off', relayClient: 'on', upnp: false }, 'public', true)).toEqual({
      relayServer: false,
      relayClient: true,
      upnp: false,
    })
  })
})

describe('how peers reach the node, from the addresses libp2p announces', () => {
  const relay = '12D3KooWRe1ayRe1ayRe1ayRe1ayRe1ayRe1ayRe1ayRe1ayRe1a'
  const self = '12D3KooWSe1fSe1fSe1fSe1fSe1fSe1fSe1fSe1fSe1fSe1fSe1f'
  it('public beats relayed beats private beats loopback; relays are named', () => {
    const loopback = `/ip4/127.0.0.1/tcp/7331/p2p/${self}`
    const lan = `/ip4/192.168.1.20/tcp/7331/p2p/${self}`
    const relayed = `/ip4/93.184.215.14/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${self}`
    const confirmed = `/ip4/93.184.215.99/tcp/7331/p2p/${self}`
    expect(reachedVia([loopback])).toEqual({ via: 'loopback', relays: [] })
    expect(reachedVia([loopback, lan])).toEqual({ via: 'private', relays: [] })
    expect(reachedVia([loopback, lan, relayed])).toEqual({ via: 'relayed', relays: [relay] })
    expect(reachedVia([loopback, relayed, confirmed])).toEqual({ via: 'public', relays: [relay] })
  })
  it('says it in one line', () => {
    const base = { listenAddresses: 3, nonLoopback: true, peers: 5, relays: ['r'], relaying: null, upgraded: 0 }
    expect(reachabilitySummary({ ...base, via: 'relayed' })).toBe(
      'reachable through a relay (1 relay, 3 listen addresses), 5 peers connected',
    )
    expect(reachabilitySummary({ ...base, via: 'public', relays: [], relaying: 2, upgraded: 1 })).toBe(
      'reachable: a public address that peers dialled back (3 listen addresses), 5 peers connected, relaying for 2, 1 relayed connection upgraded to direct',
    )
    expect(reachabilitySummary({ ...base, listenAddresses: 0, via: 'loopback', peers: 1 })).toBe('not listening, 1 peer connected')
  })
})
