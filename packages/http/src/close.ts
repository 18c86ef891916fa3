import type { Server } from 'node:http'

/**
 * Stops listening and ends every connection now: idle keep-alive ones and those with a response
 * still under way (a stalled or slow one included). `server.close()` alone would wait for them,
 * so a client holding a connection open could keep a stop from ever finishing.
 */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
