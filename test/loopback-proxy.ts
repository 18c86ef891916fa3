import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback service, that a test can cut (its port refuses
 * connections and open ones are reset, as for a host that lost its route there) and restore (the
 * same port forwards again). Nothing but bytes pass; the service behind it never knows.
 */
export interface LoopbackProxy {
  /** `http://127.0.0.1:<port>`: where clients go instead of the target. */
  readonly url: string
  readonly port: number
  cut(): Promise<void>
  restore(): Promise<void>
  stop(): Promise<void>
}

export async function startLoopbackProxy(target: string): Promise<LoopbackProxy> {
  const { hostname, port: targetPort } = new URL(target)
  if (hostname !== '127.0.0.1') throw new Error(`the proxy forwards to 127.0.0.1 only, not ${hostname}`)
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(Number(targetPort), '127.0.0.1')
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.once('close', () => sockets.delete(socket))
          socket.on('error', () => {
            client.destroy()
            upstream.destroy()
          })
        }
        client.pipe(upstream).pipe(client)
      })
      s.once('error', reject)
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port
        server = s
        resolve()
      })
    })

  const close = async () => {
    const s = server
    server = undefined
    for (const socket of sockets) socket.resetAndDestroy()
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }

  await listen()
  return {
    get url() {
      return `http://127.0.0.1:${port}`
    },
    get port() {
      return port
    },
    cut: close,
    async restore() {
      if (!server) await listen()
    },
    stop: close,
  }
}
