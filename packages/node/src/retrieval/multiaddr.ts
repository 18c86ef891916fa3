import { RetrievalError, type RetrievalErrorCode } from './errors.js'

/**
 * Turns an advertised HTTP multiaddr into the base URL of a trustless gateway, with the rules of
 * spark-checker's `multiaddrToHttpUrl` (lib/multiaddr.js @3c5219c), so that an address Spark could
 * not use is a 70x status here too:
 *
 * - `/<host-type>/<host>/tcp/<port>/<http|https>`: default ports (80, 443) are dropped;
 * - `/<host-type>/<host>/<http|https>`: no port;
 * - `/<host-type>/<host>/<http|https>/http-path/<url-encoded path>`: no port either (Spark chose
 *   not to support `/tcp/<port>/…/http-path` yet, so it is an unsupported scheme "tcp");
 * - host types `ip4`, `dns`, `dns4`, `dns6`, and `ip6` (bracketed, RFC 2732).
 *
 * Two deliberate differences, both for addresses Spark turned into nonsense URLs: `http-path`
 * counts only as a whole component (Spark split on the substring), and a decoded path that does
 * not start with `/` gets one, while one holding `?` or `#` is INVALID_HTTP_PATH (it would rewrite
 * the query we append).
 *
 * @example multiaddrToHttpUrl('/dns/frisbii.fly.dev/tcp/443/https') // 'https://frisbii.fly.dev'
 */
export function multiaddrToHttpUrl(addr: string): string {
  const fail = (code: RetrievalErrorCode, why: string, cause?: unknown): never => {
    throw new RetrievalError(code, `Cannot parse "${addr}": ${why}`, { cause, meta: { addr } })
  }

  // parts[0] is the empty string before the leading slash
  const [, hostType, hostValue, ...protocols] = addr.split('/')
  const pathAt = protocols.indexOf('http-path')
  const beforePath = pathAt === -1 ? protocols : protocols.slice(0, pathAt)

  let scheme: string | undefined
  let port: string | undefined
  let rest: string[]
  if (pathAt !== -1 || beforePath[0] === 'http' || beforePath[0] === 'https') {
    ;[scheme, ...rest] = beforePath
  } else {
    let transport: string | undefined
    ;[transport, port, scheme, ...rest] = beforePath
    if (transport !== 'tcp') fail('UNSUPPORTED_MULTIADDR_PROTO', `unsupported protocol "${transport}"`)
  }

  if (scheme !== 'http' && scheme !== 'https') return fail('UNSUPPORTED_MULTIADDR_SCHEME', `unsupported scheme "${scheme}"`)
  if (rest.length > 0) fail('MULTIADDR_HAS_TOO_MANY_PARTS', 'too many parts')

  const path = pathAt === -1 ? '' : httpPath(protocols.slice(pathAt + 1).join('/'), fail)
  return `${scheme}://${uriHost(hostType, hostValue, fail)}${uriPort(scheme, port)}${path}`
}

type Fail = (code: RetrievalErrorCode, why: string, cause?: unknown) => never

function httpPath(encoded: string, fail: Fail): string {
  let path: string
  try {
    path = decodeURIComponent(encoded)
  } catch (err) {
    return fail('INVALID_HTTP_PATH', 'unsupported http path', err)
  }
  if (/[?#]/.test(path)) fail('INVALID_HTTP_PATH', 'unsupported http path')
  if (path === '') return ''
  return path.startsWith('/') ? path : `/${path}`
}

function uriHost(hostType: string | undefined, hostValue: string | undefined, fail: Fail): string {
  switch (hostType) {
    case 'ip4':
    case 'dns':
    case 'dns4':
    case 'dns6':
      return hostValue ?? ''
    case 'ip6':
      return `[${hostValue}]`
    default:
      return fail('UNSUPPORTED_MULTIADDR_HOST_TYPE', `unsupported host type "${hostType}"`)
  }
}

function uriPort(scheme: 'http' | 'https', port: string | undefined): string {
  if (port === undefined) return ''
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) return ''
  return `:${port}`
}
