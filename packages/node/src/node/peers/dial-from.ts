/**
 * The address a loopback node dials from (spec §5.5): with every listen address on one loopback
 * IPv4 address other than 127.0.0.1, that address. Identify reports a connection's remote address,
 * and an outgoing socket's is its local one, 127.0.0.1 unless bound: bound, peers observe each
 * node of a 127.0.0.0/8 devnet in its own /24, as they observe distinct hosts. Only on loopback:
 * a socket bound to 127.x cannot reach another host.
 */
export function loopbackDialFrom(listen: readonly string[]): string | undefined {
  const hosts = new Set(listen.map((a) => /^\/ip4\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3})\/tcp\/\d+$/.exec(a)?.[1] ?? ''))
  const [host] = hosts
  return hosts.size === 1 && host && host !== '127.0.0.1' ? host : undefined
}
