import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback service, that a test can cut (every connection,
 * open or new, is reset, as for a host that lost its route there) and restore (the same port
 * forwards again). Nothing but bytes pass; the service behind it never knows. While cut it keeps
 * listening: a port it gave up could be taken by any other process of a parallel test run, and a
 * client meant to find nothing there would be answered by someone else's server.
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
  let isCut = false

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        if (isCut) {
          client.on('error', () => {})
          client.resetAndDestroy()
          return
        }
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

  const resetAll = () => {
    for (const socket of sockets) socket.resetAndDestroy()
  }

  await listen()
  return {
    get url() {
      return `http://127.0.0.1:${port}`
    },
    get port() {
      return port
    },
    async cut() {
      isCut = true
      resetAll()
    },
    async restore() {
      isCut = false
    },
    async stop() {
      const s = server
      server = undefined
      resetAll()
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
    },
  }
}
