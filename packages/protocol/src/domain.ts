import { sha256Concat, utf8 } from './bytes.js'

/**
 * Every use of shared randomness and every signature is domain-separated, so that a value
 * derived for one purpose can never be replayed as another (a task seed as an anchor seed, a
 * measurement signature as an attestation signature).
 */
export const DOMAIN = {
  roundTasks: 'spark-swarm/v1/round-tasks',
  nodeSelection: 'spark-swarm/v1/node-selection',
  anchors: 'spark-swarm/v1/anchors',
  inetGroupOrder: 'spark-swarm/v1/inet-group-order',
  measurementSignature: 'spark-swarm/v1/measurement-signature',
  attestationSignature: 'spark-swarm/v1/attestation-signature',
  localBeacon: 'spark-swarm/v1/local-beacon',
} as const

export type Domain = (typeof DOMAIN)[keyof typeof DOMAIN]

/** `SHA-256(utf8(domain) || 0x00 || part1 || part2 …)`: the 0x00 keeps domains prefix-free. */
export function domainHash(domain: Domain, ...parts: Array<Uint8Array | string>): Uint8Array {
  return sha256Concat(prefixOf(domain), ...parts)
}

// each domain's prefix made once: evaluating a file hashes one per measurement
const prefixes = new Map<Domain, Uint8Array>()

function prefixOf(domain: Domain): Uint8Array {
  let prefix = prefixes.get(domain)
  if (prefix === undefined) {
    prefix = Uint8Array.from([...utf8(domain), 0])
    prefixes.set(domain, prefix)
  }
  return prefix
}
