/*
 * The inet group a checker reports (spec §5.5): Spark's mapping of an address to its group, and
 * the rule that adopts a group from what peers observe, so that one lying peer cannot set it.
 */

/** The group of every node that has not learned one (nor been told one). */
export const UNKNOWN_INET_GROUP = 'unknown'

/** Spark's single group for every IPv6 address (spark-api `inet-grouping.js`). */
export const IPV6_INET_GROUP = 'ipv6'

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/**
 * `a.b.c.0/24` for an IPv4 address (also written IPv4-mapped, `::ffff:a.b.c.d`), `ipv6` for any
 * other IPv6 address, undefined for what is not an IP address (a DNS name, garbage).
 */
export function inetGroupOfIp(ip: string): string | undefined {
  const v4 = IPV4.exec(ip.replace(/^::ffff:/i, ''))
  if (v4) {
    const octets = v4.slice(1, 4).map(Number)
    if (octets.some((o) => o > 255) || Number(v4[4]) > 255) return undefined
    return `${octets.join('.')}.0/24`
  }
  // an IPv6 address has colons and hex digits only (a zone, `%eth0`, is not part of it)
  if (ip.includes(':') && /^[0-9a-f:.]+$/i.test(ip)) return IPV6_INET_GROUP
  return undefined
}

/** One identify answer of a peer: the group it saw this node in, and its own group as this node sees it. */
export interface InetGroupObservation {
  /** The observer's own group (its connection's remote address), `by` in the spec. */
  by: string
  /** The group of the address it observed this node at, `of` in the spec. */
  of: string
  /** When it arrived (ms): the newest observation of an observer group is its vote. */
  at: number
}

/** Observer groups that must agree before a group is adopted: one lying peer is one group. */
export const INET_GROUP_MIN_OBSERVER_GROUPS = 2

/**
 * The group the observations agree on, or undefined when they do not (then the caller keeps the
 * group in force). One vote per observer group, its newest observation: peer ids are free, /24s
 * are not. Adopted when at least two observer groups vote for it and it has more than half of all
 * votes (spec §5.5).
 */
export function agreedInetGroup(observations: Iterable<InetGroupObservation>): string | undefined {
  const newest = new Map<string, InetGroupObservation>()
  for (const o of observations) {
    const seen = newest.get(o.by)
    if (!seen || o.at > seen.at) newest.set(o.by, o)
  }
  const tally = new Map<string, number>()
  for (const o of newest.values()) tally.set(o.of, (tally.get(o.of) ?? 0) + 1)
  for (const [group, votes] of tally) {
    if (votes >= INET_GROUP_MIN_OBSERVER_GROUPS && votes * 2 > newest.size) return group
  }
  return undefined
}
