import { createServer } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closeHttp, httpUrl, listenHttp, sendHttp } from '../src/index.js'

/** The raw answer to one request, Date header left out. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('end', () => resolve(text.replace(/\r\nDate: [^\r]*/i, '')))
    socket.end(request)
  })
}

const servers: Array<ReturnType<typeof createServer>> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => closeHttp(s)))
})

describe('@spark-swarm/http', () => {
  it('listens on a free port, reports it, and writes headers in a fixed order with content-length', async () => {
    const server = createServer((req, res) =>
      sendHttp(res, 200, 'text/plain', 'hé', {
        common: { 'cache-control': 'no-store' },
        headers: { 'x-a': '1' },
        head: req.method === 'HEAD',
      }),
    )
    servers.push(server)
    const address = await listenHttp(server, 0, '127.0.0.1')
    expect(address.port).toBeGreaterThan(0)
    expect(httpUrl(address.address, address.port)).toBe(`http://127.0.0.1:${address.port}`)
    const get = await raw(address.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(get).toBe(
      'HTTP/1.1 200 OK\r\ncache-control: no-store\r\ncontent-type: text/plain\r\ncontent-length: 3\r\nx-a: 1\r\nConnection: close\r\n\r\nhé',
    )
    const head = await raw(address.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(head.endsWith('content-length: 3\r\nx-a: 1\r\nConnection: close\r\n\r\n')).toBe(true)
  })

  it('sends chunked without content-length when asked', async () => {
    const server = createServer((_req, res) => sendHttp(res, 404, 'text/plain', 'no\n', { contentLength: false }))
    servers.push(server)
    const { port } = await listenHttp(server, 0, '127.0.0.1')
    const text = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(text).toContain('Transfer-Encoding: chunked')
    expect(text).not.toContain('content-length')
  })

  it('rejects when the port is taken, and leaves no error listener behind', async () => {
    const first = createServer()
    servers.push(first)
    const { port } = await listenHttp(first, 0, '127.0.0.1')
    const second = createServer()
    await expect(listenHttp(second, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(second.listenerCount('error')).toBe(0)
  })

  it('brackets an IPv6 host', () => {
    expect(httpUrl('::1', 80)).toBe('http://[::1]:80')
  })

  it('stops at once even with a response still under way', async () => {
    const server = createServer((_req, res) => res.flushHeaders())
    const { port } = await listenHttp(server, 0, '127.0.0.1')
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await new Promise((resolve) => socket.once('data', resolve))
    await closeHttp(server)
    expect(server.listening).toBe(false)
    socket.destroy()
  })
})
