import { autoNATv2 } from '@libp2p/autonat-v2'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { uPnPNAT } from '@libp2p/upnp-nat'

/** How a node that may sit behind NAT is reached and reaches others (docs/operators.md "Behind NAT"). */
export interface NatInit {
  /** Relay for peers that cannot be dialled (circuit relay v2), within `RELAY_LIMITS`. */
  relayServer: boolean
  /** Reserve a slot on a relay among the peers and announce the relayed address. */
  relayClient: boolean
  /** Ask the home router for a port mapping (UPnP IGD, NAT-PMP): it multicasts on the LAN, so only when asked. */
  upnp: boolean
}

/**
 * What a relay grants each relayed connection. libp2p's defaults (2 minutes, 128 KiB) are sized for
 * a DCUtR handshake only; a checker whose hole punch fails (symmetric NAT) gossips its committees'
 * measurements and attestations through the relay, a few hundred KiB a round, so the limits are a
 * few rounds of that. A connection that reaches them is closed, and is dialled again through the
 * relay or directly.
 */
export const RELAY_LIMITS = {
  maxReservations: 32,
  durationMs: 10 * 60_000,
  dataBytes: 4n * 1024n * 1024n,
} as const

/** The transport that dials and listens on `/p2p-circuit` addresses: always there, so any node can reach a relayed one. */
export function relayTransport() {
  return circuitRelayTransport()
}

/**
 * The services behind NAT traversal: AutoNAT v2 (peers dial our addresses back, which confirms
 * the ones that are reachable, and we do the same for them), DCUtR (two peers on a relayed
 * connection punch a direct one), and, as asked, a relay server and UPnP.
 */
export function natServices(init: NatInit) {
  return {
    autoNAT: autoNATv2(),
    dcutr: dcutr(),
    ...(init.relayServer
      ? {
          relay: circuitRelayServer({
            reservations: {
              maxReservations: RELAY_LIMITS.maxReservations,
              applyDefaultLimit: true,
              defaultDurationLimit: RELAY_LIMITS.durationMs,
              defaultDataLimit: RELAY_LIMITS.dataBytes,
            },
          }),
        }
      : {}),
    ...(init.upnp ? { upnp: uPnPNAT() } : {}),
  }
}

/** `/p2p-circuit` asks the relay transport to find a relay among the peers and reserve a slot on it. */
export function natListen(init: NatInit): string[] {
  return init.relayClient ? ['/p2p-circuit'] : []
}
