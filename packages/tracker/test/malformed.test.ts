import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from '../../../test/helpers/prng.js'
import type { Tracker } from '../src/index.js'
import { type Fixture, fixture } from './helpers.js'

let fx: Fixture
let tracker: Tracker

beforeAll(async () => {
  fx = await fixture()
  // a short request timeout, so requests that stop half-way are answered 408 quickly
  tracker = await fx.start({ requestTimeoutMs: 500 })
})
afterAll(() => fx.cleanup())

type Case = { bytes: Buffer; end: boolean }

function malformed(i: number, random: () => number): Case {
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)))
  const text = (s: string, end = true): Case => ({ bytes: Buffer.from(s, 'latin1'), end })
  switch (i % 20) {
    case 0:
      return { bytes: randomBytes(1 + Math.floor(random() * 2000)), end: true }
    case 1:
      return text('FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    case 2:
      return text(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000 + i)}\r\n\r\n`)
    case 3:
      return text(`GET /${'b'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`)
    case 4:
      return text('GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n')
    case 5:
      return text('GET /v1/gate?version=%zz%ff%00 HTTP/1.1\r\nHost: x\r\n\r\n')
    case 6:
      return text('GET /v1/network HTTP/1.1\r\nHo')
    case 7:
      // stops half-way and waits: the server's request timeout answers
      return text('GET /v1/network HTTP/1.1\r\nHost: x\r\n', false)
    case 8:
      return text('GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n')
    case 9:
      return text('GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n')
    case 10:
      return text('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n')
    case 11:
      return text('POST /v1/gate HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc')
    case 12:
      return text('GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxyz\r\n')
    case 13:
      return text('GET /v1/gate HTTP/1.1\r\nHost: x\r\nx-spark-swarm-version: \x00\x01\x7f\r\n\r\n')
    case 14:
      return text(`GET /v1/gate HTTP/1.1\r\nHost: x\r\nx-spark-swarm-version: ${'9'.repeat(400)}.0.0\r\n\r\n`)
    case 15:
      return text('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE AFTER A GOOD REQUEST\r\n\r\n')
    case 16:
      return text('\r\n\r\n\r\n')
    case 17:
      return text(`GET /v1/network HTTP/1.1\r\n${'X-A: b\r\n'.repeat(2000)}\r\n`)
    case 18:
      return text('GET /v1/gate?version=1.0.0&version=9.9.9 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\npartial')
    default:
      return text(`DELETE /v1/gate HTTP/1.1\r\nHost: ${'é'.repeat(10)}\r\n\r\n`)
  }
}

/** Sends one case and collects whatever comes back until the server closes (or 3 s pass). */
function send(port: number, c: Case): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(), 3_000)
    socket.on('connect', () => {
      if (c.end) socket.end(c.bytes)
      else socket.write(c.bytes)
    })
    socket.on('data', (d) => chunks.push(d))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
  })
}

describe('malformed input', () => {
  it('survives 1,000 malformed requests and still answers /healthz', async () => {
    const random = prng(0x5eed)
    const cases = Array.from({ length: 1000 }, (_, i) => malformed(i, random))
    const statuses = new Map<number, number>()
    const concurrency = 50
    let next = 0
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!
        const answer = await send(tracker.port, c)
        // every answer is HTTP/1.1 with a status, and every error answer carries a JSON {error, message}
        for (const response of answer.split(/(?=HTTP\/1\.1 \d{3} )/).filter(Boolean)) {
          const match = /^HTTP\/1\.1 (\d{3}) /.exec(response)
          expect(match, response.slice(0, 80)).not.toBeNull()
          const status = Number(match![1])
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
          expect(status).toBeLessThan(500)
          const body = response.slice(response.indexOf('\r\n\r\n') + 4)
          if (status >= 400 && body !== 'OUTDATED CLIENT') {
            const parsed = JSON.parse(body)
            expect(typeof parsed.error, response).toBe('string')
            expect(typeof parsed.message).toBe('string')
          }
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))

    for (const status of [400, 404, 405, 408, 431]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0)
    const res = await fetch(`${tracker.url}/healthz`)
    expect([res.status, await res.text()]).toEqual([200, 'ok'])
    const gate = await fetch(`${tracker.url}/v1/gate`, { headers: { 'x-spark-swarm-version': '1.2.0' } })
    expect(gate.status).toBe(200)
    const metrics = await tracker.registry.metrics()
    expect(metrics).toMatch(/tracker_http_client_errors_total\{kind="bad_request"\} \d+/)
    expect(metrics).toMatch(/tracker_http_client_errors_total\{kind="header_overflow"\} \d+/)
  }, 60_000)
})
