import { networkInterfaces } from 'node:os'
import { isPrivate } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { NatInit } from './nat.js'

/** Each NAT part on, off, or decided from the listen addresses (`auto`). */
export type NatSwitch = 'auto' | 'on' | 'off'

export interface NatSettings {
  relayServer: NatSwitch
  relayClient: NatSwitch
  upnp: boolean
}

export const NAT_SWITCHES: readonly NatSwitch[] = ['auto', 'on', 'off']

/** Everything decided from the listen addresses; UPnP off (it multicasts on the LAN). */
export const NAT_AUTO: NatSettings = Object.freeze({ relayServer: 'auto', relayClient: 'auto', upnp: false })

/** What the node's listen addresses say about it: a public address, only LAN ones, or this machine only. */
export type ListenReach = 'public' | 'private' | 'loopback'

/**
 * Where the listen addresses reach. An unspecified address (`0.0.0.0`, `::`) listens on every
 * interface, so the machine's interface addresses decide: a VPS has a public one, a laptop
 * behind a home router only 192.168.… and the like.
 */
export function listenReach(
  listen: readonly string[],
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): ListenReach {
  const hosts: string[] = []
  for (const address of listen) {
    const [, proto, host] = address.split('/')
    if ((proto !== 'ip4' && proto !== 'ip6') || host === undefined) continue
    if (host === '0.0.0.0' || host === '::') {
      const family = proto === 'ip4' ? 'IPv4' : 'IPv6'
      for (const list of Object.values(interfaces))
        for (const i of list ?? []) if (i.family === family) hosts.push(`/${proto}/${i.address}`)
    } else hosts.push(`/${proto}/${host}`)
  }
  let reach: ListenReach = 'loopback'
  for (const host of hosts) {
    if (/^\/ip4\/127\.|^\/ip6\/::1$/.test(host)) continue
    // link-local IPv6 (fe80::) reaches nobody beyond the link
    if (/^\/ip6\/fe80:/i.test(host)) continue
    if (!isPrivate(multiaddr(host))) return 'public'
    reach = 'private'
  }
  return reach
}

/**
 * The NAT parts a node runs. `auto`: a node with a public address relays for others (with the
 * limits of nat.ts) and reserves nothing; any other node of a network beyond this machine is
 * likely behind NAT or listening on loopback only (the CLI's default), so it reserves a slot on a
 * relay to be reachable; a swarm all on this machine (`loopbackSwarm`, a devnet) needs neither.
 */
export function resolveNat(settings: NatSettings, reach: ListenReach, loopbackSwarm: boolean): NatInit {
  const on = (s: NatSwitch, auto: boolean) => s === 'on' || (s === 'auto' && auto)
  return {
    relayServer: on(settings.relayServer, reach === 'public'),
    relayClient: on(settings.relayClient, reach !== 'public' && !loopbackSwarm),
    upnp: settings.upnp,
  }
}
