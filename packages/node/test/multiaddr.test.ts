import { STATUS } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { mapErrorToStatusCode, multiaddrToHttpUrl, RetrievalError } from '../src/index.js'

// spark-checker test/multiaddr.test.js @3c5219c, HAPPY_CASES verbatim
const SPARK_HAPPY_CASES: Array<[string, string]> = [
  ['/ip4/127.0.0.1/tcp/80/http', 'http://127.0.0.1'],
  ['/ip4/127.0.0.1/tcp/8080/http', 'http://127.0.0.1:8080'],
  ['/ip4/127.0.0.1/tcp/443/https', 'https://127.0.0.1'],
  ['/ip4/127.0.0.1/tcp/8080/https', 'https://127.0.0.1:8080'],
  ['/dns/meridian.space/tcp/8080/http', 'http://meridian.space:8080'],
  ['/dns4/meridian.space/tcp/8080/http', 'http://meridian.space:8080'],
  ['/dns6/meridian.space/tcp/8080/http', 'http://meridian.space:8080'],
  ['/dns/meridian.space/https/http-path/%2Fipni-provider%2FproviderID', 'https://meridian.space/ipni-provider/providerID'],
  ['/dns/meridian.space/https/http-path/', 'https://meridian.space'],
  ['/dns/meridian.space/https/http-path', 'https://meridian.space'],
  ['/dns/meridian.space/https', 'https://meridian.space'],
  ['/dns/meridian.space/http', 'http://meridian.space'],
  ['/ip4/127.0.0.1/http', 'http://127.0.0.1'],
  ['/ip4/127.0.0.1/https', 'https://127.0.0.1'],
]

// spark-checker test/multiaddr.test.js @3c5219c, ERROR_CASES verbatim, plus the code each carries
const SPARK_ERROR_CASES: Array<[string, string, number]> = [
  ['/ip4/127.0.0.1/tcp/80', 'Cannot parse "/ip4/127.0.0.1/tcp/80": unsupported scheme "undefined"', 703],
  ['/ip4/127.0.0.1/udp/90', 'Cannot parse "/ip4/127.0.0.1/udp/90": unsupported protocol "udp"', 702],
  ['/ip4/127.0.0.1/tcp/8080/http/p2p/pubkey', 'Cannot parse "/ip4/127.0.0.1/tcp/8080/http/p2p/pubkey": too many parts', 704],
  // Spark: "a valid multiaddr value that we decided to not support yet"
  [
    '/dns/meridian.space/tcp/8080/http/http-path/%2Fipni-provider%2FproviderID',
    'Cannot parse "/dns/meridian.space/tcp/8080/http/http-path/%2Fipni-provider%2FproviderID": unsupported scheme "tcp"',
    703,
  ],
  [
    '/dns/meridian.space/http/http-path/invalid%path',
    'Cannot parse "/dns/meridian.space/http/http-path/invalid%path": unsupported http path',
    705,
  ],
]

function statusOf(addr: string): number {
  try {
    multiaddrToHttpUrl(addr)
  } catch (err) {
    expect(err).toBeInstanceOf(RetrievalError)
    return mapErrorToStatusCode(err)
  }
  throw new Error(`${addr} parsed`)
}

describe('multiaddrToHttpUrl', () => {
  it.each(SPARK_HAPPY_CASES)('Spark: %s → %s', (addr, url) => {
    expect(multiaddrToHttpUrl(addr)).toBe(url)
  })

  it.each(SPARK_ERROR_CASES)('Spark: %s fails', (addr, message, status) => {
    expect(() => multiaddrToHttpUrl(addr)).toThrow(message)
    expect(statusOf(addr)).toBe(status)
  })

  it('brackets ip6 hosts and keeps non-default ports', () => {
    expect(multiaddrToHttpUrl('/ip6/::1/tcp/8080/http')).toBe('http://[::1]:8080')
    expect(multiaddrToHttpUrl('/ip6/2001:db8::1/tcp/443/https')).toBe('https://[2001:db8::1]')
    expect(multiaddrToHttpUrl('/ip4/10.0.0.1/tcp/80/https')).toBe('https://10.0.0.1:80')
  })

  it('maps each rule to its status code (701–705)', () => {
    expect(statusOf('/unix/sock/tcp/80/http')).toBe(STATUS.UNSUPPORTED_MULTIADDR_HOST_TYPE)
    expect(statusOf('/ip4/1.2.3.4/tcp/24001')).toBe(STATUS.UNSUPPORTED_MULTIADDR_SCHEME)
    expect(statusOf('/ip4/1.2.3.4/quic-v1')).toBe(STATUS.UNSUPPORTED_MULTIADDR_PROTO)
    expect(statusOf('/ip4/1.2.3.4/tcp/80/ws')).toBe(STATUS.UNSUPPORTED_MULTIADDR_SCHEME)
    expect(statusOf('/ip4/1.2.3.4/https/extra')).toBe(STATUS.MULTIADDR_HAS_TOO_MANY_PARTS)
    expect(statusOf('/ip4/1.2.3.4/https/http-path/%E0%A4%A')).toBe(STATUS.INVALID_HTTP_PATH)
  })

  it('differs from Spark only where Spark built a nonsense URL', () => {
    // a path without its leading slash: Spark gave https://meridian.spacefoo
    expect(multiaddrToHttpUrl('/dns/meridian.space/https/http-path/foo')).toBe('https://meridian.space/foo')
    // "http-path" must be a whole component: Spark split on the substring
    expect(statusOf('/dns/meridian.space/https/http-pathological')).toBe(STATUS.MULTIADDR_HAS_TOO_MANY_PARTS)
    // a query or fragment in the path would rewrite the one the retrieval URL appends
    expect(statusOf('/dns/meridian.space/https/http-path/%2Fx%3Fdag-scope%3Dall')).toBe(STATUS.INVALID_HTTP_PATH)
  })
})

describe('mapErrorToStatusCode', () => {
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause })
  const sys = (code: string) => Object.assign(new Error(code), { code })

  it("maps undici's socket errors as Spark mapped Deno's messages", () => {
    expect(mapErrorToStatusCode(fetchFailed(sys('ENOTFOUND')))).toBe(STATUS.HOSTNAME_DNS_ERROR)
    expect(mapErrorToStatusCode(fetchFailed(sys('EAI_AGAIN')))).toBe(STATUS.HOSTNAME_DNS_ERROR)
    expect(mapErrorToStatusCode(fetchFailed(sys('ECONNREFUSED')))).toBe(STATUS.CONNECTION_REFUSED)
    expect(mapErrorToStatusCode(fetchFailed(sys('EHOSTUNREACH')))).toBe(STATUS.CONNECTION_REFUSED)
    // happy eyeballs: one error per address
    expect(mapErrorToStatusCode(fetchFailed(new AggregateError([sys('ECONNREFUSED'), sys('ECONNREFUSED')])))).toBe(
      STATUS.CONNECTION_REFUSED,
    )
    expect(mapErrorToStatusCode(fetchFailed(sys('ECONNRESET')))).toBe(STATUS.UNKNOWN_FETCH_ERROR)
    expect(mapErrorToStatusCode(new DOMException('aborted', 'AbortError'))).toBe(STATUS.UNKNOWN_FETCH_ERROR)
    expect(mapErrorToStatusCode('not even an error')).toBe(STATUS.UNKNOWN_FETCH_ERROR)
  })
})
