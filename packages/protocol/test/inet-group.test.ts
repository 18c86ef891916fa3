import { describe, expect, it } from 'vitest'
import { agreedInetGroup, type InetGroupObservation, inetGroupOfIp } from '../src/index.js'

/** An observation by a peer in `by` that saw this node in `of`, at time `at`. */
const seen = (by: string, of: string, at = 0): InetGroupObservation => ({ by, of, at })

describe('inet group of an address (Spark: spark-api test/inet-grouping.test.js)', () => {
  it('maps IPv4 to its /24, IPv4-mapped IPv6 to the same, any other IPv6 to "ipv6"', () => {
    expect(inetGroupOfIp('10.20.30.40')).toBe('10.20.30.0/24')
    expect(inetGroupOfIp('::ffff:127.0.0.1')).toBe('127.0.0.0/24')
    expect(inetGroupOfIp('2001:db8::1')).toBe('ipv6')
    expect(inetGroupOfIp('::1')).toBe('ipv6')
  })

  it('gives no group for what is not an IP address', () => {
    for (const text of ['example.com', '256.1.1.1', '1.2.3', '', 'fe80::1%eth0']) expect(inetGroupOfIp(text)).toBeUndefined()
  })
})

describe('the group adopted from observations (spec §5.5)', () => {
  it('adopts a group two observer groups agree on', () => {
    expect(agreedInetGroup([seen('10.0.1.0/24', '203.0.113.0/24'), seen('10.0.2.0/24', '203.0.113.0/24')])).toBe('203.0.113.0/24')
  })

  it('one lying peer cannot set it: alone, or against one honest observer', () => {
    expect(agreedInetGroup([seen('198.51.100.0/24', '192.0.2.0/24')])).toBeUndefined()
    expect(agreedInetGroup([seen('198.51.100.0/24', '192.0.2.0/24'), seen('10.0.1.0/24', '203.0.113.0/24')])).toBeUndefined()
    // and against two honest observer groups it is outvoted
    const honest = [seen('10.0.1.0/24', '203.0.113.0/24'), seen('10.0.2.0/24', '203.0.113.0/24')]
    expect(agreedInetGroup([...honest, seen('198.51.100.0/24', '192.0.2.0/24')])).toBe('203.0.113.0/24')
  })

  it('many identities in one /24 are one vote: a Sybil cannot outvote two honest groups', () => {
    const sybils = Array.from({ length: 50 }, (_, i) => seen('198.51.100.0/24', '192.0.2.0/24', i))
    const honest = [seen('10.0.1.0/24', '203.0.113.0/24'), seen('10.0.2.0/24', '203.0.113.0/24')]
    expect(agreedInetGroup([...sybils, ...honest])).toBe('203.0.113.0/24')
    expect(agreedInetGroup(sybils)).toBeUndefined()
  })

  it("an observer group's newest observation is its vote", () => {
    const moved = [
      seen('10.0.1.0/24', '203.0.113.0/24', 1),
      seen('10.0.2.0/24', '203.0.113.0/24', 1),
      seen('10.0.1.0/24', '198.51.100.0/24', 2),
      seen('10.0.2.0/24', '198.51.100.0/24', 3),
    ]
    expect(agreedInetGroup(moved)).toBe('198.51.100.0/24')
  })

  it('needs more than half of the votes: a tie adopts nothing', () => {
    const split = [
      seen('10.0.1.0/24', '203.0.113.0/24'),
      seen('10.0.2.0/24', '203.0.113.0/24'),
      seen('10.0.3.0/24', '192.0.2.0/24'),
      seen('10.0.4.0/24', '192.0.2.0/24'),
    ]
    expect(agreedInetGroup(split)).toBeUndefined()
    expect(agreedInetGroup([])).toBeUndefined()
  })
})
