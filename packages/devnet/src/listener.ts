import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { closeHttp, httpUrl, listenHttp } from '@spark-swarm/http'

export const LOOPBACK = '127.0.0.1'

/**
 * The devnet must never listen on, or advertise, anything but loopback: it serves deliberately
 * broken content and must not be reachable from, or leak into, a real network.
 */
export function assertLoopback(host: string): string {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new Error(`the devnet only binds IPv4 loopback (127.0.0.0/8), not "${host}"`)
  }
  return host
}

/**
 * An HTTP server on a fixed loopback port that can be switched to "refusing": the socket is
 * closed, so connecting gives ECONNREFUSED, and later reopened on the same port. That is how the
 * fakes simulate a provider or RPC endpoint that is down while its advertised address stays put.
 */
export interface Listener {
  readonly host: string
  readonly port: number
  readonly url: string
  readonly accepting: boolean
  /** Close the socket and drop open connections; the port is remembered for {@link accept}. */
  refuse(): Promise<void>
  /** Listen again on the remembered port. */
  accept(): Promise<void>
  /** Stop for good: close the socket and every open connection. */
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

export async function startListener(handler: Handler, host = LOOPBACK): Promise<Listener> {
  assertLoopback(host)
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      // A handler bug must surface as a 500 (and in the test output), never as a hung request.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`devnet handler error: ${(err as Error)?.message ?? String(err)}`)
    })
  })
  const { port } = await listenHttp(server, 0, host)
  let accepting = true

  return {
    host,
    port,
    url: httpUrl(host, port),
    get accepting() {
      return accepting
    },
    async refuse() {
      if (!accepting) return
      accepting = false
      await closeHttp(server)
    },
    async accept() {
      if (accepting) return
      await listenHttp(server, port, host)
      accepting = true
    },
    async close() {
      const wasAccepting = accepting
      accepting = false
      if (wasAccepting) await closeHttp(server)
      else server.closeAllConnections()
    },
  }
}
