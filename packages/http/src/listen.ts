import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Listens on `host:port` (port 0: a free one) and resolves with the address actually bound; rejects
 * with the listen error (EADDRINUSE, EACCES…) and leaves no error listener behind, so the caller
 * decides how later server errors are reported.
 */
export function listenHttp(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/** `http://host:port`, an IPv6 host in brackets; no trailing slash. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
